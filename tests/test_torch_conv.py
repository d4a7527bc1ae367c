"""zoo.backend.patch_torch_conv: Keras' channels-last convolutions and poolings under torch without input copies."""

import keras
import numpy as np
import pytest

from zoo import backend as zoo_backend

CASES = {  # input shape (batch, spatial..., channels), kernel shape, conv arguments
    "2d same": ((2, 9, 9, 4), (3, 3, 4, 6), dict(padding="same")),
    "2d valid stride 2": ((2, 9, 8, 4), (3, 3, 4, 6), dict(strides=2)),
    "2d same stride 2": ((2, 8, 8, 4), (3, 3, 4, 6), dict(padding="same", strides=2)),
    "2d dilated": ((2, 11, 11, 4), (3, 3, 4, 5), dict(padding="same", dilation_rate=2)),
    "2d grouped": ((2, 7, 7, 4), (3, 3, 2, 6), dict(padding="same")),
    "2d 1x1": ((2, 5, 5, 8), (1, 1, 8, 3), dict()),
    "3d same": ((2, 5, 6, 7, 3), (3, 3, 3, 3, 4), dict(padding="same")),
}


def test_patch_is_active_only_under_torch(backend):
    assert zoo_backend.patch_torch_conv() is (backend == "torch")
    assert zoo_backend.apply_thread_defaults().get("conv_patch", False) is (backend == "torch")


POOLS = {  # input shape, op, arguments
    "max 2x2": ((2, 8, 8, 3), "max_pool", dict(pool_size=2)),
    "max 3x3 same stride 2": ((2, 9, 9, 3), "max_pool", dict(pool_size=3, strides=2, padding="same")),
    "average 2x2": ((2, 8, 6, 3), "average_pool", dict(pool_size=2)),
    "average 3x3 same": ((2, 7, 7, 3), "average_pool", dict(pool_size=3, strides=1, padding="same")),
    "average 3d": ((2, 4, 4, 4, 3), "average_pool", dict(pool_size=2)),
}


def _keras_conv_pair(name="conv"):
    from keras.src.backend.torch import nn as torch_nn

    zoo_backend.patch_torch_conv()
    patched = getattr(torch_nn, name)
    return patched, patched.__wrapped__


@pytest.mark.parametrize("case", sorted(CASES))
def test_patched_conv_gives_keras_values_and_gradients(case, backend, rng):
    if backend != "torch":
        pytest.skip("the patch exists only under torch (asserted by test_patch_is_active_only_under_torch)")
    import torch

    x_shape, k_shape, kwargs = CASES[case]
    x_np, k_np = rng.normal(size=x_shape).astype("float32"), rng.normal(size=k_shape).astype("float32")
    results = []
    for conv in _keras_conv_pair():
        x, k = torch.tensor(x_np, requires_grad=True), torch.tensor(k_np, requires_grad=True)
        y = conv(x, k, **kwargs)
        weights = torch.arange(y.numel(), dtype=y.dtype).reshape(y.shape) / y.numel()
        (y * weights).sum().backward()
        results.append((y.detach().numpy(), x.grad.numpy(), k.grad.numpy()))
    (y0, gx0, gk0), (y1, gx1, gk1) = results
    assert y0.shape == y1.shape
    np.testing.assert_allclose(y0, y1, atol=1e-5)
    np.testing.assert_allclose(gx0, gx1, atol=1e-4)
    np.testing.assert_allclose(gk0, gk1, atol=1e-4)


@pytest.mark.parametrize("case", sorted(POOLS))
def test_patched_pools_give_keras_values_and_gradients(case, backend, rng):
    if backend != "torch":
        pytest.skip("the patch exists only under torch")
    import torch

    x_shape, name, kwargs = POOLS[case]
    x_np = rng.normal(size=x_shape).astype("float32")
    results = []
    for pool in _keras_conv_pair(name):
        x = torch.tensor(x_np, requires_grad=True)
        y = pool(x, **kwargs)
        (y * torch.arange(y.numel(), dtype=y.dtype).reshape(y.shape)).sum().backward()
        results.append((y.detach().numpy(), x.grad.numpy()))
    np.testing.assert_allclose(results[0][0], results[1][0], atol=1e-6)
    np.testing.assert_allclose(results[0][1], results[1][1], atol=1e-4)


def test_patched_conv_takes_strided_views_and_channels_first(backend, rng):
    if backend != "torch":
        pytest.skip("the patch exists only under torch")
    import torch

    patched, original = _keras_conv_pair()
    x = torch.tensor(rng.normal(size=(2, 10, 10, 6)).astype("float32"))
    k = torch.tensor(rng.normal(size=(3, 3, 3, 4)).astype("float32"))
    view = x[:, ::2, 1:, ::2]  # not contiguous in any layout
    np.testing.assert_allclose(patched(view, k, padding="same").numpy(), original(view, k, padding="same").numpy(), atol=1e-5)
    nchw = x.permute(0, 3, 1, 2)[:, :3]
    np.testing.assert_allclose(patched(nchw, k, data_format="channels_first").numpy(),
                               original(nchw, k, data_format="channels_first").numpy(), atol=1e-5)


def test_conv_layers_train_the_same_after_the_patch(backend, rng):
    """One SGD step of a small conv net reaches the same weights with the patched conv and with Keras' own."""
    if backend != "torch":
        pytest.skip("the patch exists only under torch")
    x = rng.normal(size=(4, 8, 8, 3)).astype("float32")
    y = rng.normal(size=(4, 4, 4, 5)).astype("float32")

    def step():
        keras.utils.set_random_seed(3)
        model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(4, 3, padding="same", activation="relu"),
                                  keras.layers.Conv2D(5, 3, strides=2, padding="same")])
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
        model.fit(x, y, batch_size=4, epochs=1, verbose=0, shuffle=False)
        return model.get_weights(), model.predict(x, verbose=0)

    from keras.src.backend.torch import nn as torch_nn

    patched, original = _keras_conv_pair()
    weights, out = step()
    torch_nn.conv = original
    try:
        ref_weights, ref_out = step()
    finally:
        torch_nn.conv = patched
    for a, b in zip(weights, ref_weights):
        np.testing.assert_allclose(a, b, atol=1e-5)
    np.testing.assert_allclose(out, ref_out, atol=1e-5)

"""Image datasets as NumPy arrays: MNIST (npz), with room for CIFAR-10 and image folders."""

from __future__ import annotations

import dataclasses
import os

import numpy as np

from zoo.datasets.manifest import locate

MNIST_CLASSES = [str(i) for i in range(10)]


@dataclasses.dataclass
class ImageDataset:
    """Train and test images (uint8 NHWC) with integer labels and class names."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: list

    @property
    def input_shape(self) -> tuple:
        return tuple(self.x_train.shape[1:])

    @property
    def num_classes(self) -> int:
        return len(self.class_names)


def load_mnist(path: str | os.PathLike | None = None) -> ImageDataset:
    """MNIST from a ``mnist.npz`` (keras.datasets layout), found via the data root."""
    file = locate("mnist", path)
    with np.load(file) as data:
        missing = {"x_train", "y_train", "x_test", "y_test"} - set(data.files)
        if missing:
            raise ValueError(f"{file} is not an mnist.npz: it lacks arrays {sorted(missing)}.")
        x_train, y_train, x_test, y_test = (data[k] for k in ("x_train", "y_train", "x_test", "y_test"))
    return ImageDataset("mnist", x_train[..., None], y_train.astype("int64"), x_test[..., None],
                        y_test.astype("int64"), MNIST_CLASSES)


LOADERS = {"mnist": load_mnist}


def load_image_dataset(dataset, path: str | os.PathLike | None = None) -> ImageDataset:
    """An ImageDataset from a registered name (or an ImageDataset, returned as is)."""
    if isinstance(dataset, ImageDataset):
        return dataset
    if dataset not in LOADERS:
        raise ValueError(
            f"The 'dataset' parameter must be one of {sorted(LOADERS)} or an ImageDataset. Got {dataset!r} instead."
        )
    return LOADERS[dataset](path)

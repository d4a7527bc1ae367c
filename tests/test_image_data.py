"""Image datasets: CIFAR-10 pickles, image folders (plain, archived, without splits), digits, MNIST."""

import io
import os
import pickle
import tarfile

import numpy as np
import pytest

from zoo.datasets import images
from zoo.datasets.images import ImageDataset, load_image_dataset, load_image_folder
from zoo.errors import UnsafeArchiveError


def _write_cifar_pickle_tarball(path, n_train=4, n_test=3):
    """A miniature of the canonical cifar-10-python.tar.gz: the same member names and pickle layout."""
    rng = np.random.default_rng(0)
    batches = {}
    for i in range(1, 6):
        data = rng.integers(0, 256, size=(n_train, 3072), dtype=np.uint8)
        batches[f"data_batch_{i}"] = {b"data": data, b"labels": [(i + j) % 10 for j in range(n_train)]}
    batches["test_batch"] = {b"data": rng.integers(0, 256, size=(n_test, 3072), dtype=np.uint8),
                             b"labels": list(range(n_test))}
    batches["batches.meta"] = {b"label_names": [n.encode() for n in images.CIFAR10_CLASSES]}
    with tarfile.open(path, "w:gz") as tf:
        for name, obj in batches.items():
            blob = pickle.dumps(obj)
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(blob)
            tf.addfile(info, io.BytesIO(blob))
    return batches


def test_cifar10_pickle_tarball_and_extracted_folder(tmp_path):
    archive = tmp_path / "cifar-10-python.tar.gz"
    batches = _write_cifar_pickle_tarball(archive)
    ds = images.load_cifar10(archive)
    assert ds.x_train.shape == (20, 32, 32, 3) and ds.x_train.dtype == np.uint8
    assert ds.x_test.shape == (3, 32, 32, 3)
    assert ds.class_names == images.CIFAR10_CLASSES
    # The canonical layout is channels-first rows of 3072 bytes: pixel (0, 0) of image 0 is bytes 0, 1024, 2048.
    row = batches["data_batch_1"][b"data"][0]
    np.testing.assert_array_equal(ds.x_train[0, 0, 0], [row[0], row[1024], row[2048]])
    np.testing.assert_array_equal(ds.y_test, [0, 1, 2])
    # Found by name through the data root once extracted there.
    tarfile.open(archive).extractall(tmp_path / "root", filter="data")
    again = load_image_dataset("cifar10", path=tmp_path / "root")
    np.testing.assert_array_equal(again.x_train, ds.x_train)


def _write_image_tree(root, classes=("cat", "dog", "frog"), per_class=4, size=(12, 10), splits=("train", "test")):
    from PIL import Image

    rng = np.random.default_rng(0)
    for split in splits:
        for c, cls in enumerate(classes):
            folder = root / split / cls if split else root / cls
            folder.mkdir(parents=True, exist_ok=True)
            for i in range(per_class):
                arr = np.full((*size, 3), 25 * c, dtype=np.uint8) + rng.integers(0, 5, (*size, 3), dtype=np.uint8)
                Image.fromarray(arr).save(folder / f"{i:04d}.png")


def test_image_folder_with_splits_plain_and_tar_gz(tmp_path):
    root = tmp_path / "pets"
    _write_image_tree(root)
    ds = load_image_folder(root)
    assert ds.class_names == ["cat", "dog", "frog"]
    assert ds.x_train.shape == (12, 12, 10, 3) and ds.x_test.shape == (12, 12, 10, 3)
    assert list(np.bincount(ds.y_train)) == [4, 4, 4]
    # PNG is lossless, so the class colour survives exactly (up to the noise added).
    assert ds.x_train[ds.y_train == 2].min() >= 50
    archive = tmp_path / "pets.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        tf.add(root, arcname="pets")
    from_archive = load_image_folder(archive)
    np.testing.assert_array_equal(from_archive.x_train, ds.x_train)
    extracted = list((tmp_path / "zoo-cache" / "extracted").iterdir())
    assert len(extracted) == 1  # extracted once into the cache
    decoded = list((tmp_path / "zoo-cache" / "decoded").glob("*.npz"))
    assert len(decoded) == 4  # each split decoded once into a cached .npz (plain folder + extracted copy)
    mtimes = [p.stat().st_mtime_ns for p in decoded]
    load_image_folder(archive)
    assert [p.stat().st_mtime_ns for p in decoded] == mtimes  # second load reads the cache


def test_user_folder_without_splits_resized_and_grayscale(tmp_path):
    root = tmp_path / "mine"
    _write_image_tree(root, classes=("a", "b"), per_class=5, splits=(None,))
    ds = load_image_folder(root, image_size=(8, 8), color_mode="grayscale", test_split=0.2)
    assert ds.input_shape == (8, 8, 1)
    assert len(ds.x_test) == 2 and len(ds.x_train) == 8  # one held out per class
    assert sorted(np.bincount(ds.y_test)) == [1, 1]
    via_name = load_image_dataset(str(root), image_size=(8, 8))
    assert via_name.input_shape == (8, 8, 3)


def test_cifar10_image_folder_tarball_maps_to_keras_label_order(tmp_path):
    root = tmp_path / "cifar10"
    _write_image_tree(root, classes=tuple(sorted(images.CIFAR10_CLASSES)), per_class=1, size=(32, 32))
    archive = tmp_path / "cifar10-jpg.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        tf.add(root, arcname="cifar10")
    ds = images.load_cifar10(archive)
    assert ds.class_names == images.CIFAR10_CLASSES  # airplane=0, ..., truck=9 as keras.datasets
    assert ds.x_train.shape == (10, 32, 32, 3)
    # Each class folder was written with its own grey level (25 x its sorted index): labels follow the folders.
    for label in range(10):
        assert abs(int(ds.x_train[ds.y_train == label].min()) - 25 * label) <= 1
    assert sorted(ds.y_train.tolist()) == list(range(10))


def test_folder_errors_are_clear(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="no class sub-folders"):
        load_image_folder(tmp_path / "empty")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_image_folder(tmp_path / "nope")
    with pytest.raises(ValueError, match="'dataset'"):
        load_image_dataset("imagenet-21k")
    with pytest.raises(ValueError, match="color_mode"):
        load_image_folder(tmp_path / "empty", color_mode="cmyk")


def test_user_layouts_wrappers_split_names_and_macos_litter(tmp_path):
    import zipfile

    # A wrapper folder beside a README, Train/Valid in any case, macOS litter in a zip: all read as intended.
    root = tmp_path / "export" / "pets"
    _write_image_tree(root, classes=("cat", "dog"), per_class=2, splits=("Train", "Valid"))
    (tmp_path / "export" / "README.txt").write_text("exported from a labelling tool\n")
    (root / "Train" / "cat" / ".ipynb_checkpoints").mkdir()
    (root / "Train" / "cat" / ".ipynb_checkpoints" / "0000.png").write_bytes(b"")  # hidden: skipped
    (root / "Train" / "dog" / "._0000.png").write_bytes(b"\x00\x05\x16\x07")   # AppleDouble: skipped
    ds = load_image_folder(tmp_path / "export")
    assert ds.name == "pets" and ds.class_names == ["cat", "dog"]
    assert (len(ds.x_train), len(ds.x_test)) == (4, 4)
    archive = tmp_path / "pets.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in sorted(root.rglob("*.png")):
            zf.write(f, f"pets/{f.relative_to(root)}")
            zf.writestr(f"__MACOSX/pets/{f.relative_to(root).parent}/._{f.name}", b"\x00\x05\x16\x07")
    assert len(load_image_folder(archive).x_train) == 4


def test_image_sizes_depths_orientation_and_bad_files(tmp_path):
    from PIL import Image

    root = tmp_path / "mixed"
    _write_image_tree(root, classes=("a", "b"), per_class=3, size=(12, 10), splits=(None,))
    Image.fromarray(np.zeros((5, 7, 3), np.uint8)).save(root / "a" / "0000.png")  # the first file is small
    with pytest.warns(UserWarning, match="1 of 6 images differ from the most common size 12x10"):
        ds = load_image_folder(root, test_split=0.5)
    assert ds.input_shape == (12, 10, 3)
    assert load_image_folder(root, image_size=np.int64(6), test_split=0.5).input_shape == (6, 6, 3)
    deep = tmp_path / "deep"
    for cls, value in (("a", 40000), ("b", 200)):
        (deep / cls).mkdir(parents=True)
        Image.fromarray(np.full((4, 4), value, np.uint16)).save(deep / cls / "x.png")  # 16-bit grey
        Image.fromarray(np.full((4, 4), value, np.uint16)).save(deep / cls / "y.png")
    ds = load_image_folder(deep, color_mode="grayscale", test_split=0.5)
    x = np.concatenate([ds.x_train, ds.x_test])[np.argsort(np.concatenate([ds.y_train, ds.y_test]))]
    assert x[0].max() == round(40000 * 255 / 65535)  # scaled, not clipped to 255
    turned = tmp_path / "turned"
    for cls in ("a", "b"):
        (turned / cls).mkdir(parents=True)
        exif = Image.Exif()
        exif[0x0112] = 6  # a phone photo stored sideways: 20 wide x 10 high, shown 10 wide x 20 high
        Image.fromarray(np.zeros((10, 20, 3), np.uint8)).save(turned / cls / "p.jpg", exif=exif)
        Image.fromarray(np.zeros((10, 20, 3), np.uint8)).save(turned / cls / "q.jpg", exif=exif)
    assert load_image_folder(turned, test_split=0.5).input_shape == (20, 10, 3)
    (root / "b" / "broken.jpg").write_bytes(b"<html>not an image</html>")
    with pytest.raises(ValueError, match="Cannot decode the image .*broken.jpg.*Delete it"):
        load_image_folder(root, test_split=0.5)


def test_damaged_downloads_are_named(tmp_path):
    archive = tmp_path / "cifar-10-python.tar.gz"
    _write_cifar_pickle_tarball(archive)
    blob = archive.read_bytes()
    (tmp_path / "cut.tar.gz").write_bytes(blob[: len(blob) // 2])
    with pytest.raises(ValueError, match="cut.tar.gz.*damaged or incomplete"):
        images.load_cifar10_pickles(tmp_path / "cut.tar.gz")
    with pytest.raises(ValueError, match="cut.tar.gz.*damaged or incomplete"):
        load_image_folder(tmp_path / "cut.tar.gz")
    (tmp_path / "mnist.npz").write_text("<html>rate limited</html>")
    with pytest.raises(ValueError, match="not an mnist.npz.*Download it again"):
        images.load_mnist(tmp_path / "mnist.npz")
    np.savez(tmp_path / "float.npz", x_train=np.zeros((2, 28, 28), "float32"), y_train=np.zeros(2),
             x_test=np.zeros((1, 28, 28), "uint8"), y_test=np.zeros(1))
    with pytest.raises(ValueError, match="x_train must be uint8 images"):
        images.load_mnist(tmp_path / "float.npz")
    with pytest.raises(FileNotFoundError, match="'dataset' parameter names the path .*nope"):
        load_image_dataset(str(tmp_path / "nope"))


def test_archive_with_escaping_member_is_refused(tmp_path):
    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        info = tarfile.TarInfo("../outside.png")
        info.size = 1
        tf.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(UnsafeArchiveError):
        load_image_folder(archive)
    assert not (tmp_path / "zoo-cache" / "outside.png").exists()


def test_digits_resized_to_mnist_framing():
    ds = load_image_dataset("digits", train_size=300)
    assert ds.x_train.shape == (300, 28, 28, 1) and ds.x_train.dtype == np.uint8
    assert len(ds.x_train) + len(ds.x_test) == 1797
    assert ds.x_train.max() == 255 and ds.x_train[:, :4].max() == 0  # 4-pixel empty border, as MNIST
    assert set(np.bincount(ds.y_train)) <= {29, 30, 31}  # stratified


def test_select_classes_and_take():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (40, 4, 4, 3), dtype=np.uint8)
    y = np.arange(40) % 4
    ds = ImageDataset("toy", x, y, x[:8], y[:8], ["a", "b", "c", "d"])
    sub = ds.select_classes(["c", "a"])
    assert sub.class_names == ["c", "a"] and set(sub.y_train) == {0, 1}
    np.testing.assert_array_equal(sub.x_train[sub.y_train == 0], x[y == 2])
    small = ds.take(train=10, test=3)
    assert len(small.x_train) == 10 and len(small.x_test) == 3
    with pytest.raises(ValueError, match="lacks"):
        ds.select_classes(["z"])


def test_real_mnist(shared_data):
    ds = load_image_dataset("mnist", path=shared_data)
    assert ds.x_train.shape == (60000, 28, 28, 1) and ds.x_test.shape == (10000, 28, 28, 1)
    assert ds.num_classes == 10


@pytest.mark.slow
def test_real_cifar10_jpg_tarball(shared_data):
    ds = images.load_cifar10(os.path.join(shared_data, "cifar10-jpg.tar.gz"))
    assert ds.x_train.shape == (50000, 32, 32, 3) and ds.x_test.shape == (10000, 32, 32, 3)
    assert list(np.bincount(ds.y_test)) == [1000] * 10
    assert ds.class_names == images.CIFAR10_CLASSES

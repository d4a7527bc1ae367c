"""Image datasets as NumPy arrays (uint8 NHWC images, int64 labels, class names).

Sources:

- ``mnist``: a ``mnist.npz`` (keras.datasets layout).
- ``cifar10``: the canonical python-pickle tarball (``cifar-10-python.tar.gz`` or its extracted
  ``cifar-10-batches-py/``), or an image-folder tree ``cifar10/{train,test}/<class>/*.jpg``,
  plain or inside a ``.tar.gz`` (``cifar10-jpg.tar.gz``).
- ``digits``: scikit-learn's bundled 8x8 handwritten digits, resized to MNIST's 28x28 framing.
- any folder of class sub-folders (``image_dataset_from_directory`` style), with or without
  ``train/``/``test/`` splits, plain or as a ``.tar.gz``/``.zip`` archive: pass its path.

Archives are extracted once into the cache (``zoo.datasets.safe_extract``) and image folders are
decoded once into a cached ``.npz``, so later loads take about a second.

Example:
    >>> from zoo.datasets.images import load_image_dataset
    >>> ds = load_image_dataset("cifar10")          # finds cifar10-jpg.tar.gz via ZOO_DATA_DIR
    >>> ds.x_train.shape, ds.class_names[:3]
    ((50000, 32, 32, 3), ['airplane', 'automobile', 'bird'])
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import tarfile
import warnings
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np

from zoo.datasets import root
from zoo.datasets.download import safe_extract
from zoo.datasets.manifest import locate
from zoo.datasets.splits import stratified_split
from zoo.errors import ZooFileNotFoundError, ZooValueError

MNIST_CLASSES = [str(i) for i in range(10)]
CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp")
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tar.xz", ".zip")


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

    def __post_init__(self):
        """Labels must name a class: a wrong one would train silently or fail deep inside Keras."""
        if len(self.class_names) < 2:
            raise ZooValueError(f"Dataset {self.name!r} has {len(self.class_names)} class ({self.class_names}); "
                             f"classification needs at least 2. Check the labels or the class folders.")
        for split in ("train", "test"):
            x, y = getattr(self, f"x_{split}"), np.asarray(getattr(self, f"y_{split}"))
            if len(x) != len(y):
                raise ZooValueError(f"Dataset {self.name!r}: {len(x)} {split} images but {len(y)} {split} labels.")
            if y.size and not np.issubdtype(y.dtype, np.integer):
                raise ZooValueError(f"Dataset {self.name!r}: {split} labels must be integer class indices; got {y.dtype}.")
            bad = (y < 0) | (y >= len(self.class_names))
            if bad.any():
                raise ZooValueError(f"Dataset {self.name!r}: {int(bad.sum())} {split} labels lie outside "
                                 f"0..{len(self.class_names) - 1} (the {len(self.class_names)} classes "
                                 f"{self.class_names}), e.g. {y[bad][:3].tolist()}. Fix the labels or the class_names.")

    def __repr__(self) -> str:
        return (f"ImageDataset({self.name!r}, train={self.x_train.shape}, test={self.x_test.shape}, "
                f"classes={self.num_classes})")

    def select_classes(self, classes, name: str | None = None) -> "ImageDataset":
        """Only the given classes (names or indices), relabelled 0..k-1 in the order given.

        Example:
            >>> animals = ds.select_classes(["cat", "deer", "dog", "frog", "horse"])
        """
        idx = [self.class_names.index(c) if c in self.class_names else (-1 if isinstance(c, str) else int(c))
               for c in classes]
        bad = [c for c, i in zip(classes, idx) if not 0 <= i < self.num_classes]
        if bad:
            raise ZooValueError(f"The 'classes' parameter names classes {bad} that {self.name} lacks. "
                             f"Its classes: {self.class_names}.")
        remap = np.full(self.num_classes, -1, dtype="int64")
        remap[idx] = np.arange(len(idx))
        tr, te = np.isin(self.y_train, idx), np.isin(self.y_test, idx)
        return ImageDataset(name or f"{self.name}-{len(idx)}cls", self.x_train[tr], remap[self.y_train[tr]],
                            self.x_test[te], remap[self.y_test[te]], [self.class_names[i] for i in idx])

    def take(self, train: int | None = None, test: int | None = None, seed: int = 0,
             name: str | None = None) -> "ImageDataset":
        """A random subset of at most ``train`` training and ``test`` test images (stratified order kept random)."""
        rng = np.random.default_rng(seed)

        def pick(x, y, n):
            if n is None or n >= len(x):
                return x, y
            i = np.sort(rng.permutation(len(x))[:n])
            return x[i], y[i]

        x_tr, y_tr = pick(self.x_train, self.y_train, train)
        x_te, y_te = pick(self.x_test, self.y_test, test)
        return ImageDataset(name or self.name, x_tr, y_tr, x_te, y_te, list(self.class_names))


# --------------------------------------------------------------------------- MNIST


def load_mnist(path: str | os.PathLike | None = None) -> ImageDataset:
    """MNIST from a ``mnist.npz`` (keras.datasets layout), found via the data root."""
    file = locate("mnist", path)
    try:
        data = np.load(file)
    except (OSError, ValueError, zipfile.BadZipFile):
        raise ZooValueError(f"{file} is not an mnist.npz (a NumPy .npz archive of x_train, y_train, x_test, y_test). "
                         f"Download it again.") from None
    with data:
        if not hasattr(data, "files"):
            raise ZooValueError(f"{file} is a single NumPy array, not an mnist.npz with x_train, y_train, x_test, y_test.")
        missing = {"x_train", "y_train", "x_test", "y_test"} - set(data.files)
        if missing:
            raise ZooValueError(f"{file} is not an mnist.npz: it lacks arrays {sorted(missing)}.")
        x_train, y_train, x_test, y_test = (data[k] for k in ("x_train", "y_train", "x_test", "y_test"))
    for key, x, y in (("x_train", x_train, y_train), ("x_test", x_test, y_test)):
        if x.dtype != np.uint8 or x.ndim != 3 or len(x) != len(y):
            raise ZooValueError(f"{file}: {key} must be uint8 images (N, height, width) with one label each; got "
                             f"{x.dtype} {x.shape} with {len(y)} labels.")
    return ImageDataset("mnist", x_train[..., None], y_train.astype("int64"), x_test[..., None],
                        y_test.astype("int64"), MNIST_CLASSES)


# --------------------------------------------------------------------------- CIFAR-10


def _read_pickle_batch(file) -> tuple[np.ndarray, np.ndarray]:
    batch = pickle.load(file, encoding="bytes")
    data = batch.get(b"data", batch.get("data"))
    labels = batch.get(b"labels", batch.get("labels"))
    if data is None or labels is None:
        raise ZooValueError("A CIFAR-10 pickle batch must hold 'data' and 'labels'.")
    x = np.asarray(data, dtype="uint8").reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    return x, np.asarray(labels, dtype="int64")


def _cifar_from_pickles(read, names, where="") -> ImageDataset:
    """``read(member)`` returns a binary file for a member name of ``cifar-10-batches-py``."""
    needed = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    missing = [n for n in needed if n not in names]
    if missing:
        raise ZooValueError(f"A CIFAR-10 pickle folder must hold data_batch_1..5 and test_batch; {where} lacks "
                         f"{missing} (found: {sorted(names)}). Download cifar-10-python.tar.gz again.")

    def batch(member):
        try:
            return _read_pickle_batch(read(member))
        except (pickle.UnpicklingError, EOFError, ValueError) as err:
            raise ZooValueError(f"{where}: the CIFAR-10 batch {member} is damaged ({err}). Download it again.") from None

    train = [batch(f"data_batch_{i}") for i in range(1, 6)]
    x_test, y_test = batch("test_batch")
    class_names = CIFAR10_CLASSES
    if "batches.meta" in names:
        meta = pickle.load(read("batches.meta"), encoding="bytes")
        labels = meta.get(b"label_names", meta.get("label_names"))
        if labels:
            class_names = [n.decode() if isinstance(n, bytes) else str(n) for n in labels]
    return ImageDataset("cifar10", np.concatenate([x for x, _ in train]), np.concatenate([y for _, y in train]),
                        x_test, y_test, class_names)


def load_cifar10_pickles(path: str | os.PathLike) -> ImageDataset:
    """CIFAR-10 from the canonical python batches: a ``cifar-10-batches-py`` folder or the tarball itself.

    The tarball is read in place (no extraction needed: it holds only the seven pickles).
    """
    path = Path(path)
    if path.is_dir():
        names = {p.name for p in path.iterdir()}
        return _cifar_from_pickles(lambda n: open(path / n, "rb"), names, path)
    try:
        with tarfile.open(path) as tf:
            members = {Path(m.name).name: m for m in tf.getmembers() if m.isfile()}
            return _cifar_from_pickles(lambda n: tf.extractfile(members[n]), set(members), path)
    except (tarfile.TarError, EOFError, OSError) as err:
        raise ZooValueError(f"Cannot read {path}: {err}. The archive is damaged or incomplete: download it again.") from None


def _is_pickle_archive(path: Path) -> bool:
    if not tarfile.is_tarfile(path):
        return False
    with tarfile.open(path) as tf:
        for m in tf:
            if Path(m.name).name == "data_batch_1":
                return True
            if m.name.lower().endswith(IMAGE_SUFFIXES):
                return False
    return False


def load_cifar10(path: str | os.PathLike | None = None) -> ImageDataset:
    """CIFAR-10 from whichever form is on disk: pickle batches (folder or tarball) or an image-folder tree.

    Found via the data root (see ``zoo.datasets.locate``): ``cifar-10-batches-py/``,
    ``cifar10-jpg.tar.gz`` or ``cifar10/``, or the explicit ``path``.
    """
    found = locate("cifar10", path)
    if found.is_dir() and (found / "data_batch_1").exists():
        return load_cifar10_pickles(found)
    if found.is_file() and _is_pickle_archive(found):
        return load_cifar10_pickles(found)
    ds = load_image_folder(found, name="cifar10")
    if sorted(ds.class_names) == sorted(CIFAR10_CLASSES) and ds.class_names != CIFAR10_CLASSES:
        ds = ds.select_classes(CIFAR10_CLASSES, name="cifar10")  # keras.datasets' label order
    return ds


# --------------------------------------------------------------------------- image folders


def _archive_key(path: Path) -> str:
    st = path.stat()
    return hashlib.sha256(f"{path.resolve()}|{st.st_size}|{int(st.st_mtime)}".encode()).hexdigest()[:12]


def _stem(path: Path) -> str:
    name = path.name
    for suffix in ARCHIVE_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def extract_once(archive: str | os.PathLike) -> Path:
    """Extract ``archive`` safely into ``<cache>/extracted/<name>-<key>/`` unless already done; returns that folder."""
    archive = Path(archive)
    dest = root.cache_dir() / "extracted" / f"{_stem(archive)}-{_archive_key(archive)}"
    done = dest / ".complete"
    if not done.exists():
        try:
            safe_extract(archive, dest)
        except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError) as err:
            raise ZooValueError(f"Cannot extract {archive}: {err}. The archive is damaged or incomplete: "
                             f"download or pack it again.") from None
        done.touch()
    return dest


TRAIN_DIRS = ("train", "training")
TEST_DIRS = ("test", "testing")
VAL_DIRS = ("val", "valid", "validation")


def _hidden(p: Path) -> bool:
    """Hidden files and folders, macOS' ``__MACOSX/`` and ``._*`` resource forks: never data."""
    return p.name.startswith(".") or p.name == "__MACOSX"


def _subdirs(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_dir() and not _hidden(p))


def _is_image(p: Path) -> bool:
    return p.suffix.lower() in IMAGE_SUFFIXES and not _hidden(p) and p.is_file()


def _class_root(folder: Path) -> Path:
    """Descend through single-folder wrappers (``cifar10/`` inside the archive, beside a README or a
    labels file) to the data root."""
    while True:
        dirs = _subdirs(folder)
        if len(dirs) == 1 and not any(_is_image(p) for p in folder.iterdir()) and _split_dir(folder, TRAIN_DIRS) is None:
            folder = dirs[0]
            continue
        return folder


def _split_dir(folder: Path, names) -> Path | None:
    """The sub-folder named like one of ``names``, in any case (``Train/``, ``testing/``)."""
    found = {p.name.lower(): p for p in _subdirs(folder)}
    return next((found[n] for n in names if n in found), None)


def _list_images(folder: Path) -> tuple[list[Path], list[int], list[str]]:
    classes = [p.name for p in _subdirs(folder)]
    if not classes:
        images = any(_is_image(p) for p in folder.iterdir())
        raise ZooValueError(
            f"The image folder {folder} has {'images but ' if images else ''}no class sub-folders. Expected "
            f"<folder>/<class>/<image> with two classes or more (or <folder>/train/<class>/... and "
            f"<folder>/test/<class>/...)."
        )
    files, labels = [], []
    for label, cls in enumerate(classes):
        found = sorted(p for p in (folder / cls).rglob("*")
                       if _is_image(p) and not any(_hidden(q) for q in p.relative_to(folder).parents if q.name))
        if not found:
            warnings.warn(f"The class folder {folder / cls} holds no images ({', '.join(IMAGE_SUFFIXES)}); the class "
                          f"is kept but nothing teaches it.", stacklevel=3)
        files += found
        labels += [label] * len(found)
    if not files:
        raise ZooValueError(f"The image folder {folder} has class folders {classes} but no images ({', '.join(IMAGE_SUFFIXES)}).")
    return files, labels, classes


def _open(f):
    """The image at ``f`` upright (EXIF orientation applied), 16-bit images scaled to 8 bits."""
    from PIL import Image, ImageOps

    try:
        with Image.open(f) as img:
            img = ImageOps.exif_transpose(img)
            img.load()
    except (OSError, ValueError, SyntaxError) as err:  # PIL's UnidentifiedImageError is an OSError
        raise ZooValueError(f"Cannot decode the image {f}: {err}. Delete it or save it again as PNG/JPEG.") from None
    if img.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        arr = np.asarray(img, dtype="float64")
        scale = 255.0 / 65535.0 if img.mode.startswith("I") and arr.max(initial=0) > 255 else 1.0
        img = Image.fromarray(np.clip(np.rint(arr * scale), 0, 255).astype("uint8"))
    return img


def _common_size(files) -> tuple[int, int]:
    """The most common (height, width) among ``files``; warns when the images differ in size."""
    from PIL import Image

    sizes = Counter()
    for f in files:
        try:
            with Image.open(f) as img:
                turned = img.getexif().get(0x0112, 1) in (5, 6, 7, 8)  # EXIF orientation: a quarter turn
                sizes[(img.width, img.height) if turned else (img.height, img.width)] += 1
        except (OSError, ValueError, SyntaxError) as err:
            raise ZooValueError(f"Cannot decode the image {f}: {err}. Delete it or save it again as PNG/JPEG.") from None
    size, count = sizes.most_common(1)[0]
    if count < len(files):
        warnings.warn(f"{len(files) - count} of {len(files)} images differ from the most common size {size[0]}x{size[1]} "
                      f"and are resized to it. Pass image_size=(height, width) to choose the size.", stacklevel=4)
    return size


def _decode(files, image_size, color_mode) -> np.ndarray:
    from PIL import Image

    mode = {"rgb": "RGB", "grayscale": "L"}[color_mode]
    image_size = tuple(image_size) if image_size is not None else _common_size(files)
    out = np.empty((len(files), *image_size, 3 if mode == "RGB" else 1), dtype="uint8")
    for i, f in enumerate(files):
        img = _open(f).convert(mode)
        if (img.height, img.width) != image_size:
            img = img.resize((image_size[1], image_size[0]), Image.BILINEAR)
        out[i] = np.asarray(img, dtype="uint8").reshape(out.shape[1:])
    return out


def _folder_key(files, image_size, color_mode) -> str:
    digest = hashlib.sha256(f"{image_size}|{color_mode}".encode())
    for f in files:
        st = f.stat()
        digest.update(f"{f}|{st.st_size}|{int(st.st_mtime)}\n".encode())
    return digest.hexdigest()[:16]


def _load_split(folder: Path, image_size, color_mode, class_names=None):
    files, labels, classes = _list_images(folder)
    if class_names is not None and classes != class_names:
        raise ZooValueError(f"The train and test folders of {folder.parent} have different classes: "
                         f"{class_names} and {classes}.")
    cache = root.cache_dir() / "decoded" / f"{folder.parent.name}-{folder.name}-{_folder_key(files, image_size, color_mode)}.npz"
    if cache.exists():
        with np.load(cache) as data:
            return data["x"], data["y"], classes
    x = _decode(files, image_size, color_mode)
    y = np.asarray(labels, dtype="int64")
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_name(cache.name + ".tmp.npz")
    np.savez(tmp, x=x, y=y)
    os.replace(tmp, cache)
    return x, y, classes


def load_image_folder(path: str | os.PathLike, image_size=None, color_mode: str = "rgb", test_split: float = 0.2,
                      seed: int = 0, name: str | None = None) -> ImageDataset:
    """Any folder of class sub-folders, plain or as an archive, as an ImageDataset.

    Layouts: ``<path>/train/<class>/*`` and ``<path>/test/<class>/*`` (the given split; any case,
    ``training/``/``testing/``, and ``val/``/``valid/``/``validation/`` when there is no test folder), or
    ``<path>/<class>/*`` (a seeded, stratified ``test_split`` is held out). Hidden files, ``__MACOSX/``
    and non-image files are skipped; EXIF orientation is applied; 16-bit images are scaled to 8 bits.

    Args:
        path: the folder, or a ``.tar.gz``/``.tgz``/``.tar``/``.zip`` holding it.
        image_size: (height, width) to resize to, or one int for square images; default: the most
            common size among the images (a warning says how many others are resized).
        color_mode: ``"rgb"`` or ``"grayscale"``.
        test_split: fraction held out as the test set when the folder has no ``test/``.

    Example:
        >>> ds = load_image_folder("~/photos/flowers", image_size=(64, 64))
    """
    path = Path(path).expanduser()
    if color_mode not in ("rgb", "grayscale"):
        raise ZooValueError(f"The 'color_mode' parameter must be 'rgb' or 'grayscale'. Got {color_mode!r} instead.")
    if isinstance(image_size, (int, np.integer)) and not isinstance(image_size, bool):
        image_size = (int(image_size), int(image_size))
    if image_size is not None and (len(image_size) != 2 or not all(
            isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s > 0 for s in image_size)):
        raise ZooValueError(f"The 'image_size' parameter must be (height, width) with positive ints, or one int for "
                         f"square images. Got {image_size!r}.")
    if not isinstance(test_split, (int, float)) or not 0.0 < test_split < 1.0:
        raise ZooValueError(f"The 'test_split' parameter must be in (0, 1) (used when the folder has no test/). "
                         f"Got {test_split!r}.")
    if not path.exists():
        raise ZooFileNotFoundError(f"The 'path' parameter names {path}, which does not exist.")
    if path.is_file():
        if not (tarfile.is_tarfile(path) or zipfile.is_zipfile(path)):
            damaged = path.name.lower().endswith(ARCHIVE_SUFFIXES)
            raise ZooValueError(f"The 'path' parameter must be a folder or an archive ({', '.join(ARCHIVE_SUFFIXES)}). "
                             + (f"{path} is named like one but cannot be read: it is damaged or incomplete."
                                if damaged else f"Got {path}."))
        path = extract_once(path)
    folder = _class_root(path)
    name = name or folder.name
    size = tuple(int(s) for s in image_size) if image_size is not None else None
    train_dir = _split_dir(folder, TRAIN_DIRS)
    if train_dir is not None:
        x_tr, y_tr, classes = _load_split(train_dir, size, color_mode)
        size = size or x_tr.shape[1:3]
        test_dir, val_dir = _split_dir(folder, TEST_DIRS), _split_dir(folder, VAL_DIRS)
        if test_dir is not None and val_dir is not None:
            warnings.warn(f"{folder} has {train_dir.name}/, {val_dir.name}/ and {test_dir.name}/: {test_dir.name}/ is "
                          f"scored and {val_dir.name}/ is not used (train() holds out its own validation_split).",
                          stacklevel=2)
        test_dir = test_dir or val_dir
        if test_dir is not None:
            x_te, y_te, _ = _load_split(test_dir, size, color_mode, classes)
            return ImageDataset(name, x_tr, y_tr, x_te, y_te, classes)
        x, y = x_tr, y_tr
    else:
        x, y, classes = _load_split(folder, size, color_mode)
    keep, held = stratified_split(y, test_split, seed)
    return ImageDataset(name, x[keep], y[keep], x[held], y[held], classes)


# --------------------------------------------------------------------------- scikit-learn digits


def load_digits(path=None, train_size: int = 300, digit_size: int = 20, seed: int = 0) -> ImageDataset:
    """scikit-learn's 8x8 digits (1,797 images), resized to 28x28 uint8 in MNIST's framing.

    MNIST centres each digit in a 20x20 box inside the 28x28 image, so the 8x8 images are
    resized (bilinear) to ``digit_size`` and zero-padded to 28x28; values 0..16 become 0..255.
    ``train_size`` images (stratified, seeded) form the training set; the rest are held out.
    ``path`` is unused (the data ships with scikit-learn).
    """
    from PIL import Image
    from sklearn.datasets import load_digits as sk_digits

    if not isinstance(train_size, int) or not 10 <= train_size < 1797:
        raise ZooValueError(f"The 'train_size' parameter must be an int in [10, 1797). Got {train_size!r}.")
    if not isinstance(digit_size, int) or not 8 <= digit_size <= 28:
        raise ZooValueError(f"The 'digit_size' parameter must be an int in [8, 28]. Got {digit_size!r}.")
    bunch = sk_digits()
    pad = (28 - digit_size) // 2
    x = np.zeros((len(bunch.images), 28, 28, 1), dtype="uint8")
    for i, img in enumerate(bunch.images):
        small = Image.fromarray((img * (255.0 / 16.0)).astype("float32"), mode="F")
        big = np.asarray(small.resize((digit_size, digit_size), Image.BILINEAR))
        x[i, pad:pad + digit_size, pad:pad + digit_size, 0] = np.clip(np.rint(big), 0, 255).astype("uint8")
    y = bunch.target.astype("int64")
    keep, held = stratified_split(y, 1.0 - train_size / len(y), seed)
    return ImageDataset("digits", x[keep], y[keep], x[held], y[held], MNIST_CLASSES)


# --------------------------------------------------------------------------- by name


LOADERS = {"mnist": load_mnist, "cifar10": load_cifar10, "digits": load_digits}


def load_image_dataset(dataset, path: str | os.PathLike | None = None, **kwargs) -> ImageDataset:
    """An ImageDataset from a registered name, a folder/archive path, or an ImageDataset (returned as is).

    Example:
        >>> load_image_dataset("mnist").input_shape
        (28, 28, 1)
    """
    if isinstance(dataset, ImageDataset):
        return dataset
    if isinstance(dataset, str) and dataset in LOADERS:
        return LOADERS[dataset](path, **kwargs)
    if isinstance(dataset, (str, os.PathLike)) and Path(dataset).expanduser().exists():
        return load_image_folder(dataset, **kwargs)
    if isinstance(dataset, os.PathLike) or isinstance(dataset, str) and ("/" in dataset or os.sep in dataset):
        raise ZooFileNotFoundError(f"The 'dataset' parameter names the path {dataset}, which does not exist. "
                                f"Registered datasets: {sorted(LOADERS)}.")
    raise ZooValueError(
        f"The 'dataset' parameter must be one of {sorted(LOADERS)}, the path of a folder of class "
        f"sub-folders (or an archive of one), or an ImageDataset. Got {dataset!r} instead."
    )

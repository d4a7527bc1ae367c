"""Text classification datasets as Python lists: SST-2, MR, IMDB, and any label/text files.

Every loader returns a ``TextDataset`` (train / optional dev / test texts with int labels and
class names). Formats understood, for the named sets and for sets the zoo has never seen:

- ``label sentence`` per line (SST-2's ``stsa.binary.{train,dev,test}``, ``stsa.fine.*``, TREC...):
  ``load_label_lines(folder_or_prefix)`` finds the ``*train*``/``*dev*``/``*test*`` files; a single
  file of every example (``subj.all``), or a folder holding only that file, is read whole.
- one file per class, one sentence per line (MR's ``rt-polarity.{pos,neg}``, SUBJ, CR...):
  ``load_class_files(folder)``; read as UTF-8, falling back to latin-1 per file.
- a folder layout ``{train,test}/{class}/*.txt`` (IMDB's ``aclImdb``): ``load_text_folders``.
- CSV/TSV with a text and a label column: ``load_csv`` (one file, or ``train.csv``/``test.csv``/``dev.csv``).

Sets without a test split (MR and friends) get a seeded, stratified hold-out (``test_fraction``)
for quick runs; ``kfold_indices`` gives the stratified folds of 10-fold cross-validation.

Example:
    >>> from zoo.datasets.text import load_text_dataset
    >>> ds = load_text_dataset("sst2")
    >>> len(ds.train_texts), ds.class_names
    (6920, ['negative', 'positive'])
"""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

import numpy as np

from zoo.datasets.manifest import locate

BINARY = ["negative", "positive"]


@dataclasses.dataclass
class TextDataset:
    """Texts with int labels (0..num_classes-1) and the class names they index."""

    name: str
    train_texts: list
    train_labels: np.ndarray
    test_texts: list
    test_labels: np.ndarray
    class_names: list
    dev_texts: list | None = None
    dev_labels: np.ndarray | None = None

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def all(self) -> tuple[list, np.ndarray]:
        """Every example (train + dev + test), for cross-validation."""
        texts = list(self.train_texts) + list(self.dev_texts or []) + list(self.test_texts)
        parts = [self.train_labels] + ([self.dev_labels] if self.dev_texts else []) + [self.test_labels]
        return texts, np.concatenate(parts).astype("int64")

    def __repr__(self) -> str:
        dev = f", dev={len(self.dev_texts)}" if self.dev_texts else ""
        return f"TextDataset({self.name!r}, train={len(self.train_texts)}{dev}, test={len(self.test_texts)}, classes={self.class_names})"


def read_lines(path: str | os.PathLike) -> list[str]:
    """Non-empty stripped lines; UTF-8, else latin-1 (MR is latin-1: every byte decodes)."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    # split("\n"), not splitlines(): latin-1 byte 0x85 decodes to U+0085, which splitlines() breaks on.
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def _class_names(labels) -> list[str]:
    labels = sorted(set(labels), key=lambda v: (not str(v).lstrip("-").isdigit(), int(v) if str(v).lstrip("-").isdigit() else 0, str(v)))
    names = [str(v) for v in labels]
    return BINARY if names == ["0", "1"] else names


def _encode(raw_labels, class_names, raw_names) -> np.ndarray:
    index = {raw: i for i, raw in enumerate(raw_names)}
    return np.asarray([index[str(v)] for v in raw_labels], dtype="int64")


def stratified_split(labels, fraction: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(keep, held_out) index arrays; ``fraction`` of each class is held out, seeded."""
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"The split fraction must be in (0, 1). Got {fraction!r}.")
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    held = []
    for c in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == c))
        held.append(idx[: int(round(fraction * len(idx)))])
    held = np.sort(np.concatenate(held))
    keep = np.setdiff1d(np.arange(len(labels)), held)
    return keep, held


def kfold_indices(labels, k: int = 10, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified k-fold: a list of ``(train_idx, test_idx)``; every example is tested once."""
    labels = np.asarray(labels)
    if isinstance(k, bool) or not isinstance(k, int) or k < 2 or k > len(labels):
        raise ValueError(f"The 'k' parameter must be an int in [2, {len(labels)}]. Got {k!r}.")
    rng = np.random.default_rng(seed)
    fold_of = np.empty(len(labels), dtype="int64")
    for c in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == c))
        fold_of[idx] = np.arange(len(idx)) % k
    return [(np.flatnonzero(fold_of != f), np.flatnonzero(fold_of == f)) for f in range(k)]


def _take(seq, idx):
    return [seq[i] for i in idx]


def _from_pool(name, texts, labels, class_names, test_fraction, seed) -> TextDataset:
    keep, held = stratified_split(labels, test_fraction, seed)
    labels = np.asarray(labels)
    return TextDataset(name, _take(texts, keep), labels[keep], _take(texts, held), labels[held], class_names)


def parse_label_line(line: str, path, lineno) -> tuple[str, str]:
    parts = line.split(None, 1)
    if len(parts) != 2:
        raise ValueError(f"{path}, line {lineno}: expected '<label> <sentence>', got {line[:60]!r}.")
    return parts[0], parts[1]


def _read_label_file(path) -> tuple[list[str], list[str]]:
    labels, texts = [], []
    for n, line in enumerate(read_lines(path), 1):
        label, text = parse_label_line(line, path, n)
        labels.append(label)
        texts.append(text)
    return texts, labels


TABLES = (".csv", ".tsv", ".tab")
SPLIT_KEYS = (("train", ("train",)), ("dev", ("dev", "valid", "validation", "val")), ("test", ("test",)))
NOT_DATA = ("readme", "license", "licence", "changelog", "citation")


def _data_files(folder: Path) -> list[Path]:
    """The files of ``folder`` that may hold examples (not hidden, not README/LICENSE-like)."""
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
                  and not p.name.lower().startswith(NOT_DATA))


def _split_of(path: Path) -> str | None:
    """'train' / 'dev' / 'test' when a word of the file name says so (``stsa.binary.dev``,
    ``TREC.train.all``, ``train_5500.label``, ``mydata-test.txt``), else None."""
    words = {w for w in re.split(r"[^a-z]+", path.name.lower()) if w}
    for split, keys in SPLIT_KEYS:
        if words & set(keys):
            return split
    return None


def _find_split_files(where: Path) -> dict[str, Path]:
    """{'train': ..., 'dev': ..., 'test': ...} for a folder or a common file prefix."""
    if where.is_dir():
        files = _data_files(where)
    else:
        files = [p for p in where.parent.glob(where.name + "*") if p.is_file()]
    found = {}
    for split, _ in SPLIT_KEYS:
        matches = [p for p in files if _split_of(p) == split]
        if len(matches) > 1:
            raise ValueError(f"Several {split} files in {where}: {[m.name for m in matches]}; pass one prefix, "
                             f"e.g. {matches[0].with_suffix('')}.")
        if matches:
            found[split] = matches[0]
    if where.is_dir() and "train" in found:
        others = [p.name for p in files if _split_of(p) is None]
        if others:
            raise ValueError(f"{where} holds the split files {sorted(p.name for p in found.values())} and also "
                             f"{others}, not named train/dev/test. Rename the test file so its name says 'test' "
                             f"(e.g. data.test), move the other files out, or pass the dataset's file prefix.")
    return found


def load_label_lines(where: str | os.PathLike, name: str | None = None, test_fraction: float = 0.1,
                     seed: int = 0) -> TextDataset:
    """``label sentence`` files: a folder (or a path prefix) holding ``*train``, ``*dev``, ``*test``,
    or one file (a path, or the only file of a folder) with every example, like ``subj.all``.

    Without a test file, the dev file is the test split; without either, a seeded stratified
    ``test_fraction`` of train is held out.
    """
    where = Path(where)
    files = {"train": where} if where.is_file() else _find_split_files(where)
    if where.is_dir() and not files and len(_data_files(where)) == 1:
        files = {"train": _data_files(where)[0]}  # one file of every example (SUBJ's subj.all...)
    if "train" not in files:
        raise FileNotFoundError(f"No '*train*' file of '<label> <sentence>' lines found at {where}. "
                                f"Expected e.g. {where}/data.train, data.dev, data.test.")
    parts = {split: _read_label_file(p) for split, p in files.items()}
    raw_names = _class_names([lab for texts, labels in parts.values() for lab in labels])
    raw_keys = [str(v) for v in sorted({lab for _, labels in parts.values() for lab in labels},
                                       key=lambda v: (not v.lstrip("-").isdigit(), int(v) if v.lstrip("-").isdigit() else 0, v))]
    name = name or (where.name if where.is_dir() else where.name.split(".")[0] if where.is_file() else where.name.rstrip("."))
    enc = {split: (texts, _encode(labels, raw_names, raw_keys)) for split, (texts, labels) in parts.items()}
    if "test" not in enc and "dev" in enc:  # train + dev only (GLUE-style): the dev file is what gets scored
        enc["test"] = enc.pop("dev")
    if "test" not in enc:
        return _from_pool(name, *enc["train"], raw_names, test_fraction, seed)
    dev = enc.get("dev", (None, None))
    return TextDataset(name, enc["train"][0], enc["train"][1], enc["test"][0], enc["test"][1], raw_names, dev[0], dev[1])


def load_class_files(where: str | os.PathLike, files: dict | None = None, name: str | None = None,
                     test_fraction: float = 0.1, seed: int = 0) -> TextDataset:
    """One file per class, one sentence per line (e.g. ``rt-polarity.pos`` / ``rt-polarity.neg``).

    Class names come from the file extensions (``neg``/``pos`` map to negative/positive); a seeded
    stratified ``test_fraction`` is held out as the test split.
    """
    where = Path(where)
    if files is None:
        paths = [p for p in _data_files(where) if p.suffix]
        files = {p.suffix.lstrip("."): p for p in paths}
    if len(files) < 2:
        raise FileNotFoundError(f"Expected one file per class in {where} (e.g. data.pos, data.neg). Found {sorted(files)}.")
    polarity = {"neg": "negative", "pos": "positive", "negative": "negative", "positive": "positive"}
    keys = sorted(files, key=lambda k: (polarity.get(k, k) != "negative", polarity.get(k, k)))
    class_names = [polarity.get(k, k) for k in keys]
    texts, labels = [], []
    for c, key in enumerate(keys):
        lines = read_lines(files[key])
        texts += lines
        labels += [c] * len(lines)
    return _from_pool(name or where.name, texts, np.asarray(labels, dtype="int64"), class_names, test_fraction, seed)


def load_text_folders(where: str | os.PathLike, name: str | None = None, test_fraction: float = 0.1,
                      seed: int = 0, limit_per_class: int | None = None) -> TextDataset:
    """``{train,test}/{class}/*.txt`` (IMDB's ``aclImdb``); ``unsup`` and other non-class folders are skipped."""
    where = Path(where)
    splits = {}
    for split in ("train", "test"):
        folder = where / split
        if not folder.is_dir():
            continue
        classes = sorted(d.name for d in folder.iterdir() if d.is_dir() and d.name != "unsup" and any(d.glob("*.txt")))
        splits[split] = {c: sorted(folder.joinpath(c).glob("*.txt"))[:limit_per_class] for c in classes}
    if "train" not in splits or len(splits["train"]) < 2:
        raise FileNotFoundError(f"Expected {where}/train/<class>/*.txt with at least two class folders (e.g. pos, neg).")
    polarity = {"neg": "negative", "pos": "positive"}
    keys = sorted(splits["train"], key=lambda k: (polarity.get(k, k) != "negative", polarity.get(k, k)))
    class_names = [polarity.get(k, k) for k in keys]

    def read(split):
        texts, labels = [], []
        for c, key in enumerate(keys):
            for p in splits[split].get(key, []):
                texts.append(p.read_text(encoding="utf-8", errors="replace").replace("<br />", " ").strip())
                labels.append(c)
        return texts, np.asarray(labels, dtype="int64")

    train = read("train")
    if "test" not in splits:
        return _from_pool(name or where.name, *train, class_names, test_fraction, seed)
    return TextDataset(name or where.name, *train, *read("test"), class_names)


def load_csv(path: str | os.PathLike, text_column: str | int | None = None, label_column: str | int | None = None,
             sep: str | None = None, name: str | None = None, test_fraction: float = 0.1, seed: int = 0,
             test_path: str | os.PathLike | None = None, dev_path: str | os.PathLike | None = None) -> TextDataset:
    """A CSV/TSV with a text and a label column (found by name when not given: text/sentence/review...),
    with optional ``test_path`` / ``dev_path`` files of the same columns. Without a labelled test file
    (none, or GLUE's unlabelled ``test.tsv``), the dev file is the test split; without either, a seeded
    stratified ``test_fraction`` of ``path`` is held out.

    Labels may be ints or strings; class names are their sorted distinct values.
    """
    import pandas as pd

    path = Path(path)
    sep = sep or ("\t" if path.suffix.lower() in TABLES[1:] else ",")
    frames = [pd.read_csv(p, sep=sep, encoding_errors="replace") for p in [path, test_path, dev_path] if p is not None]
    cols = list(frames[0].columns)

    def pick(given, candidates, what):
        if given is not None:
            if isinstance(given, int):
                return cols[given]
            if given not in cols:
                raise ValueError(f"The '{what}' parameter names column {given!r}, which {path.name} lacks. Columns: {cols}.")
            return given
        for c in cols:
            if str(c).lower() in candidates:
                return c
        raise ValueError(f"Could not tell which column of {path.name} is the {what.split('_')[0]}: columns are {cols}. "
                         f"Pass {what}='...'.")

    tcol = pick(text_column, ("text", "sentence", "review", "content", "document", "tweet"), "text_column")
    lcol = pick(label_column, ("label", "labels", "sentiment", "polarity", "class", "target", "y"), "label_column")
    if test_path is not None and lcol not in frames[1].columns:  # GLUE's test.tsv carries no labels
        if dev_path is None:
            raise ValueError(f"{Path(test_path).name} has no {lcol!r} column, so it cannot be scored. Leave test_path "
                             f"out (a seeded hold-out of {path.name} is used) or pass a labelled file.")
        frames, test_path, dev_path = [frames[0], frames[2]], dev_path, None
    elif test_path is None and dev_path is not None:
        test_path, dev_path = dev_path, None
    frames = [f.dropna(subset=[tcol, lcol]) for f in frames]
    raw = [str(v) for f in frames for v in f[lcol]]
    keys = sorted(set(raw), key=lambda v: (not v.lstrip("-").isdigit(), int(v) if v.lstrip("-").isdigit() else 0, v))
    class_names = BINARY if keys == ["0", "1"] else keys
    encoded = [_encode([str(v) for v in f[lcol]], class_names, keys) for f in frames]
    texts = [[str(t) for t in f[tcol]] for f in frames]
    if test_path is None:
        return _from_pool(name or path.stem, texts[0], encoded[0], class_names, test_fraction, seed)
    dev = (texts[2], encoded[2]) if dev_path is not None else (None, None)
    return TextDataset(name or path.stem, texts[0], encoded[0], texts[1], encoded[1], class_names, *dev)


def load_sst2(path: str | os.PathLike | None = None) -> TextDataset:
    """SST-2 sentences (6,920 / 872 / 1,821) from ``stsa.binary.{train,dev,test}``."""
    folder = locate("sst2", path)
    return load_label_lines(Path(folder) / "stsa.binary.", name="sst2")


def load_mr(path: str | os.PathLike | None = None, test_fraction: float = 0.1, seed: int = 0) -> TextDataset:
    """MR (Pang & Lee 2005), 5,331 + 5,331 latin-1 snippets; a seeded stratified test split."""
    folder = Path(locate("mr", path))
    files = {"neg": folder / "rt-polarity.neg", "pos": folder / "rt-polarity.pos"}
    return load_class_files(folder, files, name="mr", test_fraction=test_fraction, seed=seed)


def load_imdb(path: str | os.PathLike | None = None, limit_per_class: int | None = None) -> TextDataset:
    """IMDB reviews (25,000 / 25,000) from the ``aclImdb`` folder (downloaded into the cache when missing)."""
    return load_text_folders(locate("imdb", path), name="imdb", limit_per_class=limit_per_class)


LOADERS = {"sst2": load_sst2, "mr": load_mr, "imdb": load_imdb}


def load_text_dataset(dataset, path: str | os.PathLike | None = None, **kwargs) -> TextDataset:
    """A TextDataset from a name (``sst2``, ``mr``, ``imdb``), a file or folder path, or a TextDataset.

    Paths: a ``.csv``/``.tsv`` file; a folder (or prefix) of ``label sentence`` split files; a folder
    with one file per class; a ``{train,test}/{class}/`` folder tree.
    """
    if isinstance(dataset, TextDataset):
        return dataset
    if isinstance(dataset, str) and dataset in LOADERS:
        return LOADERS[dataset](path, **kwargs)
    p = Path(str(dataset)).expanduser()
    if p.is_file():
        return load_csv(p, **kwargs) if p.suffix.lower() in TABLES else load_label_lines(p, **kwargs)
    if p.is_dir() and (p / "train").is_dir():
        return load_text_folders(p, **kwargs)
    if p.is_dir() or p.parent.is_dir() and any(p.parent.glob(p.name + "*")):
        splits = _find_split_files(p)
        only = _data_files(p) if p.is_dir() else []
        if splits.get("train") and splits["train"].suffix.lower() in TABLES:  # train.csv, test.csv (dev.csv)
            name = kwargs.pop("name", None) or (p.name if p.is_dir() else p.name.rstrip("._-"))
            return load_csv(splits["train"], test_path=splits.get("test"), dev_path=splits.get("dev"), name=name, **kwargs)
        if len(only) == 1 and only[0].suffix.lower() in TABLES:
            return load_csv(only[0], **{"name": p.name, **kwargs})
        if splits.get("train") or len(only) == 1:
            return load_label_lines(p, **kwargs)
        if p.is_dir():
            return load_class_files(p, **kwargs)
    raise ValueError(
        f"The 'dataset' parameter must be one of {sorted(LOADERS)}, a TextDataset, a .csv/.tsv file, or a folder of "
        f"'label sentence' split files / per-class files / train/<class>/*.txt. Got {dataset!r}."
    )

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
import warnings
from pathlib import Path

import numpy as np

from zoo.datasets.manifest import locate
from zoo.datasets.splits import kfold_indices, stratified_split  # noqa: F401 (re-exported)
from zoo.errors import ZooFileNotFoundError, ZooValueError

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

    def __post_init__(self):
        """Labels must be ints indexing ``class_names``, one per text: a wrong label would train silently."""
        self.class_names = [str(c) for c in self.class_names]
        for split in ("train", "test", "dev"):
            texts, labels = getattr(self, f"{split}_texts"), getattr(self, f"{split}_labels")
            if labels is None and (texts is None or len(texts) == 0):
                continue
            labels = np.asarray(labels)
            if labels.size and not np.issubdtype(labels.dtype, np.integer):
                raise ZooValueError(f"TextDataset {self.name!r}: {split}_labels must be ints indexing class_names "
                                 f"{self.class_names}; got {labels.dtype} values such as {labels.ravel()[:3].tolist()}.")
            if texts is None or len(texts) != len(labels):
                raise ZooValueError(f"TextDataset {self.name!r}: {split}_texts and {split}_labels differ in length "
                                 f"({None if texts is None else len(texts)} and {len(labels)}).")
            bad = labels[(labels < 0) | (labels >= len(self.class_names))] if labels.size else labels
            if bad.size:
                raise ZooValueError(f"TextDataset {self.name!r}: {split}_labels hold {sorted(set(bad.tolist()))[:5]}, outside "
                                 f"0..{len(self.class_names) - 1} for class_names {self.class_names}.")
            setattr(self, f"{split}_labels", labels.astype("int64"))

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


def _take(seq, idx):
    return [seq[i] for i in idx]


def _from_pool(name, texts, labels, class_names, test_fraction, seed) -> TextDataset:
    keep, held = stratified_split(labels, test_fraction, seed)
    labels = np.asarray(labels)
    return TextDataset(name, _take(texts, keep), labels[keep], _take(texts, held), labels[held], class_names)


def parse_label_line(line: str, path, lineno) -> tuple[str, str]:
    parts = line.split(None, 1)
    if len(parts) != 2:
        raise ZooValueError(f"{path}, line {lineno}: expected '<label> <sentence>', got {line[:60]!r}.")
    return parts[0], parts[1]


def _read_label_file(path) -> tuple[list[str], list[str]]:
    """Texts and labels of a ``<label> <sentence>`` file. Lines with a label and no sentence (Kim's CR and
    MPQA files have some) are skipped with one warning that counts them."""
    labels, texts, empty, lone = [], [], [], []
    for n, line in enumerate(read_lines(path), 1):
        if len(line.split(None, 1)) == 1:
            lone.append((n, line))
            continue
        label, text = parse_label_line(line, path, n)
        labels.append(label)
        texts.append(text)
    known = set(labels)
    for n, line in lone:
        if line.strip() not in known and not line.strip().lstrip("-").isdigit():
            parse_label_line(line, path, n)  # a word that is no label: the line is malformed
        empty.append(n)
    if empty:
        if not texts:
            raise ZooValueError(f"{path}: every line holds a label and no sentence; expected '<label> <sentence>' lines.")
        shown = ", ".join(map(str, empty[:5])) + (", ..." if len(empty) > 5 else "")
        warnings.warn(f"{path}: skipped {len(empty)} line(s) with a label and no sentence (line {shown}).",
                      stacklevel=3)
    return texts, labels


TABLES = (".csv", ".tsv", ".tab")
SPLIT_KEYS = (("train", ("train",)), ("dev", ("dev", "valid", "validation", "val")), ("test", ("test",)))
NOT_DATA_WORDS = ("readme", "license", "licence", "changelog", "citation")
NOT_DATA_SUFFIXES = (".md", ".pdf", ".html", ".zip", ".gz", ".tgz", ".bz2", ".xz", ".tar", ".7z", ".py", ".json")


def _data_files(folder: Path) -> list[Path]:
    """The files of ``folder`` that may hold examples: not hidden, not README/LICENSE-like
    (``subjdata.README.1.0`` included), not archives or documents."""
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
                  and not any(w in p.name.lower() for w in NOT_DATA_WORDS)
                  and p.suffix.lower() not in NOT_DATA_SUFFIXES)


def _name_words(name: str) -> set[str]:
    """Lower-case words of a file name, split at non-letters and camelCase (``sstTrain.txt`` -> sst, train, txt)."""
    return {w for w in re.split(r"[^a-z]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", name).lower()) if w}


def _split_of(path: Path) -> str | None:
    """'train' / 'dev' / 'test' when a word of the file name says so (``stsa.binary.dev``,
    ``TREC.train.all``, ``train_5500.label``, ``mydata-test.txt``, ``sstTest.txt``), else None."""
    words = _name_words(path.name)
    for split, keys in SPLIT_KEYS:
        if words & set(keys):
            return split
    return None


def _find_split_files(where: Path) -> dict[str, Path]:
    """{'train': ..., 'dev': ..., 'test': ...} for a folder or a common file prefix."""
    prefix = not where.is_dir()
    files = [p for p in where.parent.glob(where.name + "*") if p.is_file()] if prefix else _data_files(where)
    found = {}
    for split, keys in SPLIT_KEYS:
        matches = sorted(p for p in files if _split_of(p) == split)
        if len(matches) > 1 and prefix:  # stsa.binary. beside stsa.binary.phrases.*: the exact name wins
            exact = {where.name.lower() + sep + k for k in keys for sep in ("", ".")}
            matches = [p for p in matches if p.name.lower() in exact] or matches
        if len(matches) > 1:
            low = matches[0].name.lower()
            hint = matches[0].parent / matches[0].name[:low.index(next(k for k in keys if k in low))]
            raise ZooValueError(f"Several {split} files in {where}: {[m.name for m in matches]}; pass the file prefix "
                             f"of one set instead, e.g. {hint}")
        if matches:
            found[split] = matches[0]
    if not prefix and "train" in found and "test" not in found:
        others = [p.name for p in files if _split_of(p) is None]
        if others:
            raise ZooValueError(f"{where} holds {sorted(p.name for p in found.values())} but no file named 'test', and also "
                             f"{others}. If one of those is the test set, rename it so its name says 'test' (e.g. "
                             f"data.test); otherwise move it out of the folder.")
    return found


def _check_labels(labels: list[str], path) -> None:
    """Refuse files whose first words are not labels (plain sentences read as ``label sentence``)."""
    distinct = sorted(set(labels))
    if len(distinct) < 2 or (len(labels) >= 50 and len(distinct) > 0.2 * len(labels)):
        raise ZooValueError(
            f"{path} does not read as '<label> <sentence>' lines: the first words give {len(distinct)} distinct "
            f"label(s) over {len(labels)} lines (e.g. {distinct[:5]}). Sentences without labels belong one file per "
            f"class in a folder (data.pos, data.neg); a table needs a .csv/.tsv name.")


def load_label_lines(where: str | os.PathLike, name: str | None = None, test_fraction: float = 0.1,
                     seed: int = 0, class_names=None) -> TextDataset:
    """``label sentence`` files: a folder (or a path prefix) holding ``*train``, ``*dev``, ``*test``,
    or one file (a path, or the only file of a folder) with every example, like ``subj.all``.

    Without a test file, the dev file is the test split; without either, a seeded stratified
    ``test_fraction`` of train is held out. ``class_names`` names the labels in their sorted order
    (default: ``negative, positive`` for 0/1, else the labels themselves); e.g.
    ``["objective", "subjective"]`` for SUBJ. Models trained on the set and their cards keep them.
    """
    where = Path(where)
    if where.is_file() and where.suffix.lower() in (".pos", ".neg", ".positive", ".negative"):
        raise ZooValueError(f"{where} holds the sentences of one class (MR's layout: one file per class). Pass the folder "
                         f"that holds all the class files: {where.parent}.")
    files = {"train": where} if where.is_file() else _find_split_files(where)
    if where.is_dir() and not files and len(_data_files(where)) == 1:
        files = {"train": _data_files(where)[0]}  # one file of every example (SUBJ's subj.all...)
    if "train" not in files:
        raise ZooFileNotFoundError(f"No '*train*' file of '<label> <sentence>' lines found at {where}. "
                                f"Expected e.g. {where}/data.train, data.dev, data.test.")
    parts = {split: _read_label_file(p) for split, p in files.items()}
    _check_labels([lab for _, labels in parts.values() for lab in labels], files["train"])
    raw_names = _class_names([lab for texts, labels in parts.values() for lab in labels])
    if class_names is not None:
        given = [str(c) for c in class_names] if isinstance(class_names, (list, tuple)) else None
        if given is None or len(given) != len(raw_names) or len(set(given)) != len(given) or not all(given):
            raise ZooValueError(f"The 'class_names' parameter must be a list of {len(raw_names)} distinct names, one per "
                                f"label of {files['train'].name} in sorted order ({raw_names}). Got {class_names!r}.")
        raw_names = given
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
        keys = [p.suffix.lstrip(".") for p in paths]
        if len(set(keys)) < len(keys):  # SUBJ: quote.tok.gt9.5000 / plot.tok.gt9.5000 -> quote / plot
            keys = [p.name.split(".")[0] for p in paths]
        if len(set(keys)) < len(keys):
            raise ZooValueError(f"Cannot tell one class per file in {where}: {[p.name for p in paths]}. Name the files "
                             f"<set>.<class> (e.g. data.pos, data.neg).")
        files = dict(zip(keys, paths))
    if len(files) < 2:
        raise ZooFileNotFoundError(f"Expected one file per class in {where} (e.g. data.pos, data.neg). Found {sorted(files)}.")
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
        raise ZooFileNotFoundError(f"Expected {where}/train/<class>/*.txt with at least two class folders (e.g. pos, neg).")
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


TEXT_COLUMNS = ("text", "sentence", "review", "content", "document", "tweet", "comment", "body")
LABEL_COLUMNS = ("label", "labels", "sentiment", "polarity", "class", "target", "y")


def _read_table(path: Path, sep: str, header):
    """All cells as strings; TSVs unquoted (as GLUE's readers do: a sentence may start with a quote)."""
    import csv

    import pandas as pd

    quoting = csv.QUOTE_NONE if sep == "\t" else csv.QUOTE_MINIMAL
    return pd.read_csv(path, sep=sep, header=header, dtype=str, quoting=quoting, encoding_errors="replace")


def _guess_columns(frame) -> tuple | None:
    """(text, label) columns of a header-less table: the label column has few distinct values and
    repeats its first value (a header cell would occur once); the text column has the longest cells."""
    n = len(frame)
    labels = [c for c in frame.columns if frame[c].notna().all() and 2 <= frame[c].nunique() <= max(2, 0.2 * n)
              and (frame[c] == frame[c].iloc[0]).sum() > 1]
    if not labels or n < 3:
        return None
    label = min(labels, key=lambda c: frame[c].nunique())
    text = max((c for c in frame.columns if c != label), key=lambda c: frame[c].fillna("").str.len().mean(), default=None)
    return None if text is None else (text, label)


def load_csv(path: str | os.PathLike, text_column: str | int | None = None, label_column: str | int | None = None,
             sep: str | None = None, name: str | None = None, test_fraction: float = 0.1, seed: int = 0,
             test_path: str | os.PathLike | None = None, dev_path: str | os.PathLike | None = None) -> TextDataset:
    """A CSV/TSV with a text and a label column, with optional ``test_path`` / ``dev_path`` files of the same columns.

    Columns are found by header name when not given (text/sentence/review..., label/sentiment/class...);
    a file without a header row (Zhang et al.'s Yelp/Amazon/AG News CSVs, GLUE's CoLA) is recognised,
    and there ``text_column``/``label_column`` are column positions. Without a labelled test file (none,
    GLUE's unlabelled ``test.tsv``, or one whose labels are all a placeholder such as -1) the dev file is
    the test split; without either, a seeded stratified ``test_fraction`` of ``path`` is held out.

    Labels may be ints or strings; class names are their sorted distinct values.
    """
    path = Path(path)
    sep = sep or ("\t" if path.suffix.lower() in TABLES[1:] else ",")
    paths = [Path(q) for q in (path, test_path, dev_path) if q is not None]
    frames = [_read_table(q, sep, 0) for q in paths]
    cols = [str(c).lower() for c in frames[0].columns]
    named = any(c in TEXT_COLUMNS + LABEL_COLUMNS for c in cols) or isinstance(text_column, str) or isinstance(label_column, str)
    guess = None
    if not named:  # no header row we know: read header-less, positions are the column names
        frames = [_read_table(q, sep, None) for q in paths]
        guess = _guess_columns(frames[0]) if text_column is None and label_column is None else None
    cols = list(frames[0].columns)

    def pick(given, candidates, what, guessed):
        if given is not None:
            if isinstance(given, int):
                if not -len(cols) <= given < len(cols):
                    raise ZooValueError(f"The '{what}' parameter is column {given}, but {path.name} has {len(cols)} columns.")
                return cols[given]
            if given not in cols:
                raise ZooValueError(f"The '{what}' parameter names column {given!r}, which {path.name} lacks. Columns: {cols}.")
            return given
        for c in cols:
            if str(c).lower() in candidates:
                return c
        if guessed is not None:
            return guessed
        raise ZooValueError(f"Could not tell which column of {path.name} is the {what.split('_')[0]}: columns are {cols}. "
                         f"Pass {what}='<name>' (or a position, e.g. {what}=0, for a file without a header row).")

    tcol = pick(text_column, TEXT_COLUMNS, "text_column", guess and guess[0])
    lcol = pick(label_column, LABEL_COLUMNS, "label_column", guess and guess[1])
    train_keys = set(frames[0][lcol].dropna())
    if test_path is not None:
        test = frames[1]
        unlabelled = tcol not in test.columns or lcol not in test.columns or (
            test[lcol].nunique() == 1 and not set(test[lcol].dropna()) & train_keys)
        if unlabelled:  # GLUE's test.tsv has no label column; Hugging Face exports write -1 there
            if dev_path is None:
                raise ZooValueError(f"{Path(test_path).name} has no labels in {lcol!r}, so it cannot be scored. Give a "
                                 f"labelled dev file beside it (dev_path, or dev{path.suffix} in the folder), or load "
                                 f"{path} alone (a seeded hold-out of it is scored).")
            frames, test_path, dev_path = [frames[0], frames[2]], dev_path, None
    elif dev_path is not None:
        test_path, dev_path = dev_path, None
    for q, f in zip([path, test_path, dev_path], frames):
        if tcol not in f.columns or lcol not in f.columns:
            raise ZooValueError(f"{Path(q).name} lacks the {tcol!r}/{lcol!r} columns of {path.name} (its columns: {list(f.columns)}).")
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
    raise ZooValueError(
        f"The 'dataset' parameter must be one of {sorted(LOADERS)}, a TextDataset, a .csv/.tsv file, or a folder of "
        f"'label sentence' split files / per-class files / train/<class>/*.txt. Got {dataset!r}."
    )

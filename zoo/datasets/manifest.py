"""The dataset manifest, and finding (or downloading) a dataset's files by name."""

from __future__ import annotations

import difflib
import functools
import json
import os
from pathlib import Path

from zoo.datasets import root
from zoo.datasets.download import download, safe_extract
from zoo.errors import DataNotFoundError, ZooKeyError

ENV_OFFLINE = "ZOO_OFFLINE"


@functools.lru_cache(maxsize=1)
def manifest() -> dict:
    with open(Path(__file__).with_name("manifest.json"), encoding="utf-8") as f:
        return json.load(f)["datasets"]


def dataset_info(name: str) -> dict:
    """The manifest entry of ``name``; an unknown name suggests close ones."""
    entries = manifest()
    if name not in entries:
        close = difflib.get_close_matches(name, list(entries), n=3, cutoff=0.5)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise ZooKeyError(f"Unknown dataset {name!r}.{hint} Known datasets: {', '.join(sorted(entries))}.")
    return entries[name]


def _candidates(entry: dict) -> list[str]:
    return [entry["path"], *entry.get("alternatives", [])]


def _present(base: Path, rel: str, entry: dict) -> Path | None:
    target = base / rel
    if not target.exists():
        return None
    files = entry.get("files")
    if files and rel == entry["path"] and not all((target / f).exists() for f in files):
        return None
    return target


def locate(name: str, path: str | os.PathLike | None = None, download_missing: bool = True) -> Path:
    """Find dataset ``name`` on disk, downloading it into the cache if allowed.

    Order: the explicit ``path`` (the file/folder itself, or a data root that holds it),
    then $ZOO_DATA_DIR, then the cache. Set ZOO_OFFLINE=1 to never download.

    Returns:
        The path of the file or folder named by the manifest's ``path`` (or an alternative).
    """
    entry = dataset_info(name)
    if path is not None and Path(path).expanduser().exists():
        explicit = Path(path).expanduser()
        if explicit.name in {Path(c).name for c in _candidates(entry)} or explicit.is_file():
            return explicit
    looked = []
    for base in root.search_dirs(path):
        for rel in _candidates(entry):
            looked.append(str(base / rel))
            found = _present(base, rel, entry)
            if found is not None:
                return found
    offline = os.environ.get(ENV_OFFLINE, "") not in ("", "0")
    error = None
    if download_missing and not offline and entry.get("url"):
        try:
            return fetch(name)
        except DataNotFoundError as err:
            error = err
    cache_target = root.cache_dir() / entry["path"]
    reason = f" Download failed: {error}" if error else (" (ZOO_OFFLINE is set)" if offline else "")
    raise DataNotFoundError(
        f"Dataset {name!r} was not found. Looked in: {', '.join(looked)}.{reason} "
        f"Fix: put it at {cache_target} (from {entry.get('url') or 'its source'}), "
        f"or set ZOO_DATA_DIR to a folder that holds {entry['path']}, or pass path=."
    )


def fetch(name: str) -> Path:
    """Download dataset ``name`` into the cache, verify its sha256 and extract it if needed."""
    entry = dataset_info(name)
    cache = root.cache_dir()
    url = entry["url"]
    if entry.get("files"):
        target_dir = cache / entry["path"]
        sums = entry.get("sha256") or {}
        remote = entry.get("remote_names", {})
        for f in entry["files"]:
            download(url + remote.get(f, f), target_dir / f, sha256=sums.get(f))
        return target_dir
    if entry.get("extract"):
        archive = download(url, cache / entry["download_as"], sha256=entry.get("sha256"))
        safe_extract(archive, cache)
        return cache / entry["path"]
    return download(url, cache / entry["path"], sha256=entry.get("sha256"))

"""Where dataset files are found: explicit path > ZOO_DATA_DIR > the zoo's cache directory."""

from __future__ import annotations

import os
from pathlib import Path

ENV_DATA_DIR = "ZOO_DATA_DIR"
ENV_CACHE_DIR = "ZOO_CACHE_DIR"


def _checkout_datasets_dir() -> Path | None:
    # In a source checkout the repo's git-ignored datasets/ folder is the default cache.
    candidate = Path(__file__).resolve().parents[2] / "datasets"
    if (candidate / "manifest.json").exists():
        return candidate
    return None


def cache_dir() -> Path:
    """Where downloads go: $ZOO_CACHE_DIR, else the checkout's datasets/, else ~/.cache/zoo/datasets."""
    if os.environ.get(ENV_CACHE_DIR):
        return Path(os.environ[ENV_CACHE_DIR]).expanduser()
    checkout = _checkout_datasets_dir()
    if checkout is not None and os.access(checkout, os.W_OK):
        return checkout
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "zoo" / "datasets"


def data_dir() -> Path | None:
    """The folder named by $ZOO_DATA_DIR, if set."""
    value = os.environ.get(ENV_DATA_DIR)
    return Path(value).expanduser() if value else None


def search_dirs(path: str | os.PathLike | None = None) -> list[Path]:
    """Folders searched in order: the explicit ``path``, $ZOO_DATA_DIR, the cache."""
    dirs = []
    if path is not None:
        dirs.append(Path(path).expanduser())
    if data_dir() is not None:
        dirs.append(data_dir())
    dirs.append(cache_dir())
    return dirs


def describe() -> str:
    """One line on the data root, for ``zoo info``."""
    d = data_dir()
    return f"ZOO_DATA_DIR={d if d else '(unset)'}; cache={cache_dir()}"

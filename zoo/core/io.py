"""Atomic files: a crash never leaves half a JSON file or half a ``.keras`` file behind."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np


def jsonable(value):
    """``value`` with NumPy scalars/arrays, paths and tuples turned into plain JSON types."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return repr(value)


def write_text(path: str | os.PathLike, text: str, mode: int = 0o644) -> Path:
    """Write ``text`` to a temporary file beside ``path``, then rename it into place."""
    return write_bytes(path, text.encode("utf-8"), mode)


def write_bytes(path: str | os.PathLike, data: bytes, mode: int = 0o644) -> Path:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def write_json(path: str | os.PathLike, data: dict) -> Path:
    """Write JSON atomically (temp file + rename)."""
    return write_text(path, json.dumps(jsonable(data), indent=2, sort_keys=False) + "\n")


def read_json(path: str | os.PathLike) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def save_model(model, path: str | os.PathLike) -> Path:
    """``model.save`` to a temporary name, then rename: never a half-written ``.keras`` file."""
    path = Path(path)
    tmp = path.with_name(f".{path.stem}.tmp.keras")
    model.save(tmp)
    os.replace(tmp, path)
    return path

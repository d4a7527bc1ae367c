"""The one way the zoo downloads: fetch, verify sha256, extract safely, cache."""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from zoo.errors import ChecksumError, DataNotFoundError, UnsafeArchiveError


def sha256sum(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def _inside(root: Path, target: Path) -> bool:
    root = root.resolve()
    try:
        target.resolve().relative_to(root)
        return True
    except ValueError:
        return False


def safe_extract(archive: str | os.PathLike, dest: str | os.PathLike) -> Path:
    """Extract a .tar(.gz/.bz2/.xz) or .zip archive, refusing any member that escapes ``dest``.

    Refused: absolute paths, ``..`` components, symbolic or hard links that point
    outside ``dest``, and device files.
    """
    archive, dest = Path(archive), Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            for member in zf.namelist():
                if not _inside(dest, dest / member) or Path(member).is_absolute():
                    raise UnsafeArchiveError(f"Refusing to extract {archive.name}: member {member!r} would land outside {dest}.")
            zf.extractall(dest)
        return dest
    with tarfile.open(archive) as tf:
        members = tf.getmembers()
        for m in members:
            target = dest / m.name
            if Path(m.name).is_absolute() or not _inside(dest, target):
                raise UnsafeArchiveError(f"Refusing to extract {archive.name}: member {m.name!r} would land outside {dest}.")
            if m.issym() or m.islnk():
                link_target = (target.parent / m.linkname) if m.issym() else (dest / m.linkname)
                if Path(m.linkname).is_absolute() or not _inside(dest, link_target):
                    raise UnsafeArchiveError(
                        f"Refusing to extract {archive.name}: link {m.name!r} -> {m.linkname!r} points outside {dest}."
                    )
            if m.isdev():
                raise UnsafeArchiveError(f"Refusing to extract {archive.name}: device file {m.name!r}.")
        tf.extractall(dest, members=members, filter="data")
    return dest


def download(url: str, target: str | os.PathLike, sha256: str | None = None, timeout: float = 60.0) -> Path:
    """Download ``url`` to ``target`` atomically, verifying ``sha256`` when given.

    A file that already exists with the right checksum is reused without a download.
    """
    target = Path(target)
    if target.exists() and (sha256 is None or sha256sum(target) == sha256):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as response:
            shutil.copyfileobj(response, out)
        if sha256 is not None:
            actual = sha256sum(tmp)
            if actual != sha256:
                raise ChecksumError(
                    f"Checksum mismatch for {url}: expected sha256 {sha256}, got {actual}. "
                    f"The download is corrupt or the file changed upstream; nothing was cached."
                )
        os.replace(tmp, target)
    except (urllib.error.URLError, OSError) as err:
        if isinstance(err, ChecksumError):
            raise
        raise DataNotFoundError(
            f"Could not download {url} to {target} ({err}). If this machine is offline, "
            f"download the file elsewhere and put it at {target}, or set ZOO_DATA_DIR to a folder that holds it."
        ) from err
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target

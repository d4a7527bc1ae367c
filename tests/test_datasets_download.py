"""The one download path, against a real HTTP server on localhost, and the data root order."""

import functools
import importlib
import hashlib
import http.server
import io
import tarfile
import threading
import zipfile

import pytest

from zoo.datasets import download, locate, safe_extract, sha256sum
from zoo.errors import ChecksumError, DataNotFoundError, UnsafeArchiveError

# The module, not the zoo.datasets.manifest() function that shadows its name.
manifest_mod = importlib.import_module("zoo.datasets.manifest")


class _Handler(http.server.SimpleHTTPRequestHandler):
    requests = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        type(self).requests.append(self.path)
        super().do_GET()


@pytest.fixture
def server(tmp_path):
    """Serve tmp_path/www on 127.0.0.1 (an OS-chosen port); yields (base_url, folder, request_log)."""
    root = tmp_path / "www"
    root.mkdir()
    handler = type("Handler", (_Handler,), {"requests": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", root, handler.requests
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_good_file_is_downloaded_cached_and_reused(server, tmp_path):
    base, root, log = server
    payload = b"zoo fixture " * 1000
    (root / "data.bin").write_bytes(payload)
    digest = hashlib.sha256(payload).hexdigest()
    target = tmp_path / "cache" / "data.bin"
    assert download(f"{base}/data.bin", target, sha256=digest).read_bytes() == payload
    assert download(f"{base}/data.bin", target, sha256=digest) == target
    assert log == ["/data.bin"], "the second call must reuse the cached file"
    assert sha256sum(target) == digest


def test_corrupted_file_raises_checksum_error_and_caches_nothing(server, tmp_path):
    base, root, _ = server
    (root / "data.bin").write_bytes(b"corrupted bytes")
    expected = hashlib.sha256(b"the real bytes").hexdigest()
    actual = hashlib.sha256(b"corrupted bytes").hexdigest()
    target = tmp_path / "cache" / "data.bin"
    with pytest.raises(ChecksumError) as err:
        download(f"{base}/data.bin", target, sha256=expected)
    assert expected in str(err.value) and actual in str(err.value)
    assert not target.exists()
    assert list(target.parent.iterdir()) == [], "no partial file may be left behind"


def test_missing_url_is_a_clear_error(server, tmp_path):
    base, _, _ = server
    with pytest.raises(DataNotFoundError, match="put it at"):
        download(f"{base}/nope.bin", tmp_path / "nope.bin")


def _tar_with(tmp_path, name, add):
    path = tmp_path / name
    with tarfile.open(path, "w:gz") as tf:
        add(tf)
    return path


def _add_file(tf, member, data=b"x"):
    info = tarfile.TarInfo(member)
    info.size = len(data)
    tf.addfile(info, io.BytesIO(data))


def test_archive_with_parent_member_is_refused(tmp_path):
    archive = _tar_with(tmp_path, "evil.tar.gz", lambda tf: _add_file(tf, "../escape.txt"))
    with pytest.raises(UnsafeArchiveError, match=r"\.\./escape\.txt"):
        safe_extract(archive, tmp_path / "out")
    assert not (tmp_path / "escape.txt").exists()


def test_archive_with_absolute_member_is_refused(tmp_path):
    archive = _tar_with(tmp_path, "abs.tar.gz", lambda tf: _add_file(tf, "/tmp/zoo-abs.txt"))
    with pytest.raises(UnsafeArchiveError):
        safe_extract(archive, tmp_path / "out")


def test_archive_with_link_out_of_target_is_refused(tmp_path):
    def add(tf):
        info = tarfile.TarInfo("data/link")
        info.type = tarfile.SYMTYPE
        info.linkname = "../../etc/passwd"
        tf.addfile(info)

    with pytest.raises(UnsafeArchiveError, match="points outside"):
        safe_extract(_tar_with(tmp_path, "link.tar.gz", add), tmp_path / "out")


def test_zip_with_parent_member_is_refused(tmp_path):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("../escape.txt", "x")
    with pytest.raises(UnsafeArchiveError):
        safe_extract(path, tmp_path / "out")


def test_good_archive_extracts(tmp_path):
    def add(tf):
        _add_file(tf, "folder/a.txt", b"hello")

    out = safe_extract(_tar_with(tmp_path, "ok.tar.gz", add), tmp_path / "out")
    assert (out / "folder" / "a.txt").read_bytes() == b"hello"


@pytest.fixture
def fake_manifest(monkeypatch, server):
    base, root, log = server
    payload = b"\x00fake npz\x00" * 10
    (root / "toy.bin").write_bytes(payload)
    entries = {
        "toy": {"path": "toy.bin", "url": f"{base}/toy.bin", "sha256": hashlib.sha256(payload).hexdigest()},
        "toyarchive": {"path": "toydir", "download_as": "toy.tar.gz", "extract": True, "url": f"{base}/toy.tar.gz", "sha256": None},
    }
    with tarfile.open(root / "toy.tar.gz", "w:gz") as tf:
        _add_file(tf, "toydir/inside.txt", b"inside")
    monkeypatch.setattr(manifest_mod, "manifest", lambda: entries)
    return payload, log


def test_locate_prefers_explicit_path_then_data_dir_then_cache(fake_manifest, tmp_path, monkeypatch):
    explicit, data_dir, cache = tmp_path / "explicit", tmp_path / "data", tmp_path / "cache"
    for d in (explicit, data_dir, cache):
        d.mkdir()
        (d / "toy.bin").write_bytes(b"local")
    monkeypatch.setenv("ZOO_DATA_DIR", str(data_dir))
    monkeypatch.setenv("ZOO_CACHE_DIR", str(cache))
    assert locate("toy", explicit) == explicit / "toy.bin"
    assert locate("toy") == data_dir / "toy.bin"
    monkeypatch.delenv("ZOO_DATA_DIR")
    assert locate("toy") == cache / "toy.bin"


def test_locate_downloads_into_cache_when_missing(fake_manifest, tmp_path, monkeypatch):
    payload, log = fake_manifest
    monkeypatch.delenv("ZOO_DATA_DIR", raising=False)
    monkeypatch.setenv("ZOO_CACHE_DIR", str(tmp_path / "cache"))
    assert locate("toy").read_bytes() == payload
    assert locate("toyarchive") == tmp_path / "cache" / "toydir"
    assert (tmp_path / "cache" / "toydir" / "inside.txt").read_bytes() == b"inside"
    locate("toy")
    assert log.count("/toy.bin") == 1


def test_offline_error_names_file_places_and_fix(fake_manifest, tmp_path, monkeypatch):
    monkeypatch.setenv("ZOO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ZOO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ZOO_OFFLINE", "1")
    with pytest.raises(DataNotFoundError) as err:
        locate("toy")
    msg = str(err.value)
    assert "'toy'" in msg and str(tmp_path / "data" / "toy.bin") in msg and str(tmp_path / "cache" / "toy.bin") in msg
    assert "Fix: put it at" in msg and "ZOO_DATA_DIR" in msg


def test_unknown_dataset_suggests_close_names():
    with pytest.raises(KeyError, match="Did you mean: mnist"):
        locate("mnits")


def test_manifest_entries_are_complete():
    for name, entry in manifest_mod.manifest().items():
        for key in ("path", "url", "sha256", "format", "license", "citation"):
            assert key in entry, f"manifest entry {name!r} lacks {key!r}"


def test_real_mnist_is_found_in_data_dir(shared_data, monkeypatch):
    monkeypatch.setenv("ZOO_DATA_DIR", shared_data)
    assert locate("mnist").name == "mnist.npz"

"""Both storage backends pass the same suite: content addressing, dedupe, immutability, temp files, derived files."""

import hashlib

import pytest

from caseflow.evidence import preview
from caseflow.evidence.storage import (
    FileTooLarge,
    LocalStorage,
    S3Storage,
    StorageError,
    TempUpload,
    make_storage,
    shard,
)
from tests.evidence import helpers as h
from tests.evidence.conftest import BACKENDS

pytestmark = pytest.mark.parametrize("storage", BACKENDS, indirect=True)


def receive(storage, data: bytes, chunk: int = 7) -> TempUpload:
    up = storage.new_temp(10 * 1024 * 1024, filename="x.bin")
    for i in range(0, len(data), chunk):
        up.write(data[i:i + chunk])
    up.seek(0)
    return up


def test_put_stores_under_the_hash_once(storage):
    data = b"evidence bytes \x00\xff" * 1000
    sha = hashlib.sha256(data).hexdigest()
    up = receive(storage, data)
    assert up.sha256 == sha and up.size == len(data)
    assert storage.put(up) is True
    assert not up.path.exists()  # the temporary file is gone
    assert storage.exists(sha) and storage.size(sha) == len(data)
    with storage.open(sha) as fh:
        assert fh.read() == data
    again = receive(storage, data, chunk=1000)
    assert storage.put(again) is False and not again.path.exists()
    objs = list(storage.iter_objects())
    assert [(o.key, o.sha256, o.size) for o in objs] == [(shard(sha), sha, len(data))]
    assert storage.rehash(objs[0].key) == sha
    assert storage.leftovers() == []


def test_missing_objects(storage):
    sha = "0" * 64
    assert not storage.exists(sha) and storage.size(sha) is None
    with pytest.raises(FileNotFoundError):
        storage.open(sha).read()
    assert storage.get_derived(sha + "-thumb.png") is None


def test_size_limit_stops_the_upload(storage):
    up = storage.new_temp(10)
    up.write(b"12345")
    with pytest.raises(FileTooLarge):
        up.write(b"678901")
    up.discard()
    assert storage.leftovers() == []


def test_leftovers_distinguish_running_from_interrupted_uploads(storage):
    running = storage.new_temp(100)
    running.write(b"half")
    crashed = storage.new_temp(100)
    crashed.write(b"half an upload")
    crashed.close()  # the process died: its lock is gone, its file stays
    found = {t.where: t for t in storage.leftovers()}
    assert found[str(running.path)].in_use is True
    assert found[str(crashed.path)].in_use is False and found[str(crashed.path)].size == len(b"half an upload")
    assert "--clean-temp" in found[str(crashed.path)].describe()
    removed = storage.clean_temp()
    assert [r.where for r in removed] == [str(crashed.path)]
    assert running.path.exists() and not crashed.path.exists()
    running.discard()
    assert storage.leftovers() == []


def test_derived_files_and_previews(storage):
    png_up = receive(storage, h.png("green", (900, 600)), chunk=4096)
    sha = png_up.sha256
    storage.put(png_up)
    thumb = preview.thumbnail(storage, sha, "image/png")
    assert thumb.startswith(b"\x89PNG")
    assert storage.get_derived(f"{sha}-thumb.png") == thumb  # cached beside the original
    pdf_up = receive(storage, h.pdf("preview"), chunk=4096)
    pdf_sha = pdf_up.sha256
    storage.put(pdf_up)
    page = preview.thumbnail(storage, pdf_sha, "application/pdf")
    assert page and page.startswith(b"\x89PNG")
    assert preview.thumbnail(storage, pdf_sha, "text/plain") is None
    # Derived files are not evidence: fsck's listing ignores them.
    assert {o.sha256 for o in storage.iter_objects()} == {sha, pdf_sha}
    assert storage.leftovers() == []


def test_a_broken_image_has_no_thumbnail(storage):
    up = receive(storage, b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    sha = up.sha256
    storage.put(up)
    assert preview.thumbnail(storage, sha, "image/png") is None
    assert preview.placeholder_png().startswith(b"\x89PNG")


def test_make_storage_from_urls(storage, tmp_path, moto_server):
    cfg = {"INSTANCE_DIR": str(tmp_path / "inst"), "STORAGE_URL": ""}
    assert isinstance(make_storage(cfg), LocalStorage) and (tmp_path / "inst" / "storage" / "tmp").is_dir()
    assert make_storage({**cfg, "STORAGE_URL": str(tmp_path / "d")}).root == (tmp_path / "d").resolve()
    assert make_storage({**cfg, "STORAGE_URL": f"file://{tmp_path}/e"}).root == (tmp_path / "e").resolve()
    s3 = make_storage({**cfg, "STORAGE_URL": "s3://bucket-x/some/prefix/", "S3_ENDPOINT_URL": moto_server.url,
                       "S3_ACCESS_KEY": "a", "S3_SECRET_KEY": "b", "S3_REGION": "us-east-1"})
    assert isinstance(s3, S3Storage) and (s3.bucket, s3.prefix) == ("bucket-x", "some/prefix")
    for bad in ("ftp://x/y", "s3:///nobucket"):
        with pytest.raises(StorageError):
            make_storage({**cfg, "STORAGE_URL": bad})


def test_a_damaged_copy_is_repaired_by_the_same_bytes_arriving_again(storage):
    from caseflow.evidence.storage import LocalStorage

    data = b"the original evidence"
    sha = hashlib.sha256(data).hexdigest()
    storage.put(receive(storage, data))
    damaged = b"the original evidencE"
    if isinstance(storage, LocalStorage):
        storage.path_of(sha).chmod(0o644)
        storage.path_of(sha).write_bytes(damaged)
        assert storage.put(receive(storage, data)) is True  # rehashed on dedupe, found damaged, replaced
        assert storage.rehash(shard(sha)) == sha
    else:
        # Object stores check their own objects; the backend trusts a present object of the right size.
        assert storage.put(receive(storage, data)) is False

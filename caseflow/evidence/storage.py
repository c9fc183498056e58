"""Content-addressed evidence storage: a local directory or S3-compatible object storage, behind one interface.

Every file is stored once under its SHA-256 (`sha256/ab/cd/<hash>`) and never changes. An upload is first
written to a temporary file in the storage's temp directory (always a local directory: on the same file system
as the store for `LocalStorage`, so that the final rename is atomic), hashed while it is written, fsynced, and
only then moved into place; the database row is committed after that, so a crash at any point leaves at most a
temporary file or a stored file without a row, both of which `flask caseflow fsck` explains.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import re
import secrets
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

HASH_RE = re.compile(r"^[0-9a-f]{64}$")
TEMP_PREFIX = "upload-"
TEMP_SUFFIX = ".part"
CHUNK = 1024 * 1024


class StorageError(RuntimeError):
    """The storage is misconfigured or unreachable."""


class FileTooLarge(Exception):
    """Raised while receiving when a file grows past the configured limit."""

    def __init__(self, limit: int):
        super().__init__(limit)
        self.limit = limit


class TempUpload:
    """A file being received: written in chunks while hashed, locked while open, fsynced when done.

    Werkzeug's multipart parser uses it as the container of a file part (`write`, then `seek(0)` at the end).
    The exclusive flock tells `fsck` that the upload is still in progress; it goes away with the process.
    """

    def __init__(self, directory: Path, max_bytes: int | None = None, *, filename: str | None = None,
                 content_type: str | None = None):
        directory.mkdir(parents=True, exist_ok=True)
        name = f"{TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(8)}{TEMP_SUFFIX}"
        self.path = directory / name
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._file: IO[bytes] | None = os.fdopen(fd, "wb", buffering=CHUNK)
        self._hash = hashlib.sha256()
        self.size = 0
        self.max_bytes = max_bytes
        self.filename = filename
        self.content_type = content_type
        self.finished = False

    # -- the container interface Werkzeug's parser uses --------------------------------------------------------
    def write(self, data: bytes) -> int:
        if self._file is None:
            raise ValueError("upload already finished")
        self.size += len(data)
        if self.max_bytes is not None and self.size > self.max_bytes:
            raise FileTooLarge(self.max_bytes)
        self._hash.update(data)
        self._file.write(data)
        return len(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        # The parser rewinds the container when the part ends: that is our signal that the bytes are all here.
        self.finish()
        return 0

    def tell(self) -> int:
        return self.size

    # -- ours ------------------------------------------------------------------------------------------------
    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def finish(self) -> None:
        """Flush and fsync the bytes (idempotent); the lock stays until the upload is stored or discarded."""
        if self._file is not None and not self.finished:
            self._file.flush()
            os.fsync(self._file.fileno())
            self.finished = True

    def head(self, n: int = CHUNK) -> bytes:
        """The first n bytes (for sniffing the type)."""
        with open(self.path, "rb") as fh:
            return fh.read(n)

    def close(self) -> None:
        if self._file is not None:
            try:
                self._file.close()  # releases the flock
            finally:
                self._file = None

    def discard(self) -> None:
        """Remove the temporary file (idempotent)."""
        self.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


@dataclass
class Leftover:
    """A temporary file (or unfinished multipart upload) found in the storage's temp area."""

    where: str
    size: int
    age_seconds: float
    in_use: bool
    upload_id: str | None = None  # S3 multipart uploads

    def describe(self) -> str:
        age = f"{self.age_seconds / 60:.0f} 分钟前" if self.age_seconds >= 60 else f"{self.age_seconds:.0f} 秒前"
        state = "（上传仍在进行）" if self.in_use else "（上传已中断，可用 --clean-temp 删除）"
        what = "未完成的分段上传" if self.upload_id else "临时文件"
        return f"{what} {self.where}，{self.size} 字节，{age}写入{state}"


@dataclass
class StoredObject:
    """One object in the content-addressed area; sha256 is None when its name is not a hash."""

    key: str
    sha256: str | None
    size: int


def _filesystem_now(directory: Path) -> float:
    """Now on the clock that stamps the directory's files: an age is measured on the clock that set the modification
    time (a network share's server, or this process's clock when it is set apart, may disagree with it)."""
    try:
        with tempfile.TemporaryFile(dir=directory) as probe:  # unnamed: never seen by a listing
            return os.fstat(probe.fileno()).st_mtime
    except OSError:
        return time.time()  # wall clock: a temp area this process cannot write to


def _lock_state(path: Path) -> bool:
    """True when another open file holds the upload's lock (the upload is still running)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
            return True
        raise
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def hash_stream(stream: IO[bytes]) -> tuple[str, int]:
    """SHA-256 and size of a readable stream, read in chunks."""
    h, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        h.update(chunk)
        size += len(chunk)
    return h.hexdigest(), size


def shard(sha256: str) -> str:
    """The content-addressed relative key of a hash: sha256/ab/cd/<hash>."""
    if not HASH_RE.match(sha256 or ""):
        raise ValueError("not a SHA-256 hex digest")
    return f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"


class Storage:
    """The interface both backends implement."""

    temp_dir: Path
    description: str

    def new_temp(self, max_bytes: int | None = None, **kw) -> TempUpload:
        """A temporary file in the storage's temp directory to receive an upload into."""
        return TempUpload(self.temp_dir, max_bytes, **kw)

    def put(self, upload: TempUpload) -> bool:
        """Move a finished upload into place under its hash; True when the bytes were new."""
        raise NotImplementedError

    def exists(self, sha256: str) -> bool:
        raise NotImplementedError

    def size(self, sha256: str) -> int | None:
        raise NotImplementedError

    def open(self, sha256: str) -> IO[bytes]:
        """A readable stream of the stored bytes (the caller closes it)."""
        raise NotImplementedError

    def local_path(self, sha256: str) -> Path | None:
        """The stored file's path when the backend has one (lets the server use sendfile and ranges)."""
        return None

    def iter_objects(self) -> Iterator[StoredObject]:
        """Every object in the content-addressed area."""
        raise NotImplementedError

    def rehash(self, key: str) -> str:
        """Recompute the SHA-256 of a stored object by streaming it."""
        raise NotImplementedError

    def get_derived(self, name: str) -> bytes | None:
        """A derived file (thumbnail, preview) cached beside the originals, or None."""
        raise NotImplementedError

    def put_derived(self, name: str, data: bytes) -> None:
        raise NotImplementedError

    def leftovers(self) -> list[Leftover]:
        """Temporary files and unfinished uploads in the temp area."""
        out: list[Leftover] = []
        if not self.temp_dir.is_dir():
            return out
        now = _filesystem_now(self.temp_dir)
        for path in sorted(self.temp_dir.iterdir()):
            if not path.is_file():
                continue
            try:
                st = path.stat()
            except FileNotFoundError:
                continue
            out.append(Leftover(str(path), st.st_size, max(0.0, now - st.st_mtime), _lock_state(path)))
        return out

    def clean_temp(self, older_than: float = 0) -> list[Leftover]:
        """Remove the temporary files of interrupted uploads (never those still being written), and those older
        than ``older_than`` seconds only."""
        return self.clean_local_temp(older_than)

    def clean_local_temp(self, older_than: float = 0) -> list[Leftover]:
        """The local part of `clean_temp`: files in the temp directory, no request to a remote store."""
        removed = []
        for item in Storage.leftovers(self):
            if item.in_use or item.age_seconds < older_than:
                continue
            try:
                Path(item.where).unlink()
            except FileNotFoundError:
                continue
            removed.append(item)
        return removed


class LocalStorage(Storage):
    """Files under a local directory: <root>/sha256/ab/cd/<hash>, <root>/tmp, <root>/derived."""

    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()
        self.temp_dir = self.root / "tmp"
        self.description = f"本地目录 {self.root}"
        for sub in ("sha256", "tmp", "derived"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)

    def path_of(self, sha256: str) -> Path:
        return self.root / shard(sha256)

    def put(self, upload: TempUpload) -> bool:
        upload.finish()
        final = self.path_of(upload.sha256)
        try:
            if final.is_file() and final.stat().st_size == upload.size and self.rehash(shard(upload.sha256)) == \
                    upload.sha256:
                return False  # the same bytes are already stored: one file, several records
            # Otherwise a damaged copy (if any) is replaced by the good bytes just received.
            final.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(upload.path, 0o444)  # stored files never change
            os.replace(upload.path, final)
            _fsync_dir(final.parent)
            return True
        finally:
            upload.discard()

    def exists(self, sha256: str) -> bool:
        return self.path_of(sha256).is_file()

    def size(self, sha256: str) -> int | None:
        try:
            return self.path_of(sha256).stat().st_size
        except FileNotFoundError:
            return None

    def open(self, sha256: str) -> IO[bytes]:
        return open(self.path_of(sha256), "rb")

    def local_path(self, sha256: str) -> Path | None:
        path = self.path_of(sha256)
        return path if path.is_file() else None

    def iter_objects(self) -> Iterator[StoredObject]:
        base = self.root / "sha256"
        for dirpath, _dirs, files in os.walk(base):
            for name in sorted(files):
                path = Path(dirpath) / name
                key = str(path.relative_to(self.root))
                sha = name if HASH_RE.match(name) and key == shard(name) else None
                try:
                    size = path.stat().st_size
                except FileNotFoundError:
                    continue
                yield StoredObject(key, sha, size)

    def rehash(self, key: str) -> str:
        with open(self.root / key, "rb") as fh:
            return hash_stream(fh)[0]

    def _derived_path(self, name: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{64}[-.\w]*", name):
            raise ValueError("bad derived name")
        return self.root / "derived" / name[:2] / name

    def get_derived(self, name: str) -> bytes | None:
        try:
            return self._derived_path(name).read_bytes()
        except FileNotFoundError:
            return None

    def put_derived(self, name: str, data: bytes) -> None:
        path = self._derived_path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        tmp.write_bytes(data)
        os.replace(tmp, path)


class S3Storage(Storage):
    """Objects in an S3-compatible bucket: <prefix>/sha256/ab/cd/<hash> and <prefix>/derived/…; uploads are
    received into a local temp directory first, then sent with boto3's managed (multipart) transfer."""

    # Bounded memory: at most max_concurrency × chunk size is buffered by boto3 while sending one file.
    MULTIPART_THRESHOLD = 64 * 1024 * 1024
    MULTIPART_CHUNK = 8 * 1024 * 1024
    MAX_CONCURRENCY = 4
    STALE_MULTIPART_SECONDS = 3600

    def __init__(self, bucket: str, prefix: str, temp_dir: str | Path, *, endpoint_url: str | None = None,
                 access_key: str | None = None, secret_key: str | None = None, region: str | None = None,
                 client=None):
        import boto3
        from boto3.s3.transfer import TransferConfig
        from botocore.config import Config as BotoConfig

        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.temp_dir = Path(temp_dir).resolve()
        self.temp_dir.mkdir(parents=True, exist_ok=True)
        self.description = f"对象存储 s3://{bucket}/{self.prefix}"
        self.client = client or boto3.client(
            "s3", endpoint_url=endpoint_url or None, aws_access_key_id=access_key or None,
            aws_secret_access_key=secret_key or None, region_name=region or None,
            config=BotoConfig(s3={"addressing_style": "path"} if endpoint_url else {},
                              retries={"max_attempts": 5, "mode": "standard"},
                              request_checksum_calculation="when_required",
                              response_checksum_validation="when_required"),
        )
        self.transfer = TransferConfig(multipart_threshold=self.MULTIPART_THRESHOLD,
                                       multipart_chunksize=self.MULTIPART_CHUNK,
                                       max_concurrency=self.MAX_CONCURRENCY)

    def _key(self, rel: str) -> str:
        return f"{self.prefix}/{rel}" if self.prefix else rel

    def _head(self, key: str) -> dict | None:
        from botocore.exceptions import ClientError

        try:
            return self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise

    def put(self, upload: TempUpload) -> bool:
        upload.finish()
        key = self._key(shard(upload.sha256))
        try:
            head = self._head(key)
            if head is not None and head.get("ContentLength") == upload.size:
                return False
            self.client.upload_file(str(upload.path), self.bucket, key, Config=self.transfer,
                                    ExtraArgs={"Metadata": {"sha256": upload.sha256}})
            return True
        finally:
            upload.discard()

    def exists(self, sha256: str) -> bool:
        return self._head(self._key(shard(sha256))) is not None

    def size(self, sha256: str) -> int | None:
        head = self._head(self._key(shard(sha256)))
        return None if head is None else head["ContentLength"]

    def open(self, sha256: str) -> IO[bytes]:
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(shard(sha256)))["Body"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                raise FileNotFoundError(sha256) from None
            raise

    def iter_objects(self) -> Iterator[StoredObject]:
        base = self._key("sha256/")
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=base):
            for obj in page.get("Contents", []):
                key = obj["Key"]
                rel = key[len(self.prefix) + 1:] if self.prefix else key
                name = rel.rsplit("/", 1)[-1]
                sha = name if HASH_RE.match(name) and rel == shard(name) else None
                yield StoredObject(rel, sha, obj["Size"])

    def rehash(self, key: str) -> str:
        body = self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]
        try:
            return hash_stream(body)[0]
        finally:
            body.close()

    def get_derived(self, name: str) -> bytes | None:
        from botocore.exceptions import ClientError

        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._key(f"derived/{name}"))["Body"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise
        with body:
            return body.read()

    def put_derived(self, name: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(f"derived/{name}"), Body=data)

    def _multiparts(self) -> list[Leftover]:
        out = []
        now = time.time()  # wall clock: compared with the object store's upload times
        paginator = self.client.get_paginator("list_multipart_uploads")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self._key("sha256/")):
            for up in page.get("Uploads", []):
                age = max(0.0, now - up["Initiated"].timestamp())
                out.append(Leftover(f"s3://{self.bucket}/{up['Key']}", 0, age,
                                    in_use=age < self.STALE_MULTIPART_SECONDS, upload_id=up["UploadId"]))
        return out

    def leftovers(self) -> list[Leftover]:
        return super().leftovers() + self._multiparts()

    def clean_temp(self, older_than: float = 0) -> list[Leftover]:
        removed = super().clean_temp(older_than)
        for item in self._multiparts():
            if item.in_use or item.age_seconds < older_than:
                continue
            key = item.where.removeprefix(f"s3://{self.bucket}/")
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=item.upload_id)
            removed.append(item)
        return removed


def make_storage(config) -> Storage:
    """Build the configured backend: CASEFLOW_STORAGE_URL empty (INSTANCE_DIR/storage), a path, file://…, s3://…."""
    url = (config.get("STORAGE_URL") or "").strip()
    instance = Path(config["INSTANCE_DIR"])
    if not url:
        return LocalStorage(instance / "storage")
    parts = urlsplit(url)
    if parts.scheme == "s3":
        if not parts.netloc:
            raise StorageError("CASEFLOW_STORAGE_URL 格式应为 s3://bucket/prefix")
        return S3Storage(parts.netloc, parts.path, instance / "storage-tmp",
                         endpoint_url=config.get("S3_ENDPOINT_URL") or None,
                         access_key=config.get("S3_ACCESS_KEY") or None,
                         secret_key=config.get("S3_SECRET_KEY") or None,
                         region=config.get("S3_REGION") or None)
    if parts.scheme == "file":
        return LocalStorage(parts.path)
    if parts.scheme == "":
        return LocalStorage(url)
    raise StorageError(f"不支持的存储地址：{url}（应为本地目录、file:// 或 s3://）")


def get_storage(app=None) -> Storage:
    """The application's storage backend (built once per application)."""
    from flask import current_app

    app = app or current_app
    storage = app.extensions.get("caseflow_storage")
    if storage is None:
        storage = app.extensions["caseflow_storage"] = make_storage(app.config)
    return storage


# How often, at most, a process looks for abandoned temporary files on its own (after an upload).
CLEAN_EVERY_SECONDS = 600


def clean_abandoned(app=None, *, remote: bool = False) -> list[Leftover]:
    """Remove what interrupted uploads left in the temp area (a killed worker, a dropped connection): files no
    process holds any more and older than UPLOAD_TEMP_MAX_AGE_SECONDS. ``remote`` also aborts the object store's
    stale multipart uploads (a request to it: the cron job does that, not the web requests)."""
    from flask import current_app

    app = app or current_app
    storage = get_storage(app)
    age = float(app.config.get("UPLOAD_TEMP_MAX_AGE_SECONDS", 3600))
    return storage.clean_temp(age) if remote else storage.clean_local_temp(age)


def clean_abandoned_now_and_then(app=None) -> None:
    """`clean_abandoned` at application start and after uploads, at most once per CLEAN_EVERY_SECONDS per process;
    a failure is logged, never in the way of the request."""
    import logging

    from flask import current_app

    app = app or current_app
    now = time.monotonic()
    last = app.extensions.get("caseflow_temp_cleaned")
    if last is not None and now - last < CLEAN_EVERY_SECONDS:
        return
    app.extensions["caseflow_temp_cleaned"] = now
    try:
        removed = clean_abandoned(app)
    except (OSError, StorageError) as exc:
        logging.getLogger(__name__).warning("cleaning the upload temp area failed: %s", exc)
        return
    for item in removed:
        logging.getLogger(__name__).info("removed an abandoned upload temp file: %s", item.where)

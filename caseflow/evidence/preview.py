"""Thumbnails for images (Pillow) and first-page previews for PDFs (poppler's pdftoppm), cached in storage."""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import tempfile
import warnings
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from caseflow.evidence.checks import family_of
from caseflow.evidence.storage import CHUNK, Storage

log = logging.getLogger(__name__)

THUMB_SIZE = (320, 320)
MAX_PIXELS = 80_000_000  # refuse decompression bombs rather than thumbnail them
PDFTOPPM_TIMEOUT = 20


def can_preview(mime: str) -> bool:
    return family_of(mime) in {"image", "pdf"}


def thumbnail(storage: Storage, sha256: str, mime: str) -> bytes | None:
    """A PNG thumbnail of a stored image or of a PDF's first page; None when there is none to make."""
    if not can_preview(mime):
        return None
    name = f"{sha256}-thumb.png"
    cached = storage.get_derived(name)
    if cached is not None:
        return cached
    try:
        with _local_copy(storage, sha256) as path:
            data = _pdf_page(path) if family_of(mime) == "pdf" else _image_thumb(path)
    except FileNotFoundError:
        return None
    if data:
        storage.put_derived(name, data)
    return data


@contextmanager
def _local_copy(storage: Storage, sha256: str):
    path = storage.local_path(sha256)
    if path is not None:
        yield path
        return
    # Object storage: stream the object into a temporary file, never into memory.
    with tempfile.NamedTemporaryFile(dir=storage.temp_dir, prefix="preview-", suffix=".part") as tmp:
        body = storage.open(sha256)
        try:
            while chunk := body.read(CHUNK):
                tmp.write(chunk)
        finally:
            body.close()
        tmp.flush()
        yield Path(tmp.name)


def _image_thumb(path: Path) -> bytes | None:
    from PIL import Image, ImageOps

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as opened:
                if opened.width * opened.height > MAX_PIXELS:
                    return None
                opened.draft("RGB", THUMB_SIZE)  # JPEG: decode at a reduced scale
                img = ImageOps.exif_transpose(opened)
                img.thumbnail(THUMB_SIZE)
                if img.mode not in ("RGB", "RGBA", "L", "LA"):
                    img = img.convert("RGBA" if "A" in img.getbands() else "RGB")
                out = io.BytesIO()
                img.save(out, "PNG", optimize=True)
                return out.getvalue()
    except Exception:  # a file Pillow cannot read simply has no thumbnail
        log.info("no thumbnail for %s", path, exc_info=True)
        return None


def _pdf_page(path: Path) -> bytes | None:
    exe = shutil.which("pdftoppm")
    if exe is None:
        log.warning("pdftoppm not installed (poppler-utils): no PDF previews")
        return None
    with tempfile.TemporaryDirectory(prefix="caseflow-preview-") as tmp:
        out = Path(tmp) / "page"
        try:
            subprocess.run([exe, "-png", "-singlefile", "-r", "50", "-f", "1", "-l", "1", str(path), str(out)],
                           check=True, timeout=PDFTOPPM_TIMEOUT, capture_output=True)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
            log.info("pdftoppm failed for %s", path, exc_info=True)
            return None
        png = out.with_suffix(".png")
        return _image_thumb(png) if png.is_file() else None


@lru_cache(maxsize=1)
def placeholder_png() -> bytes:
    """A neutral grey tile served when a file has no preview."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (160, 120), "#eef1f5")
    draw = ImageDraw.Draw(img)
    draw.rectangle([54, 24, 106, 96], outline="#9aa5b1", width=3)
    draw.line([66, 44, 94, 44], fill="#9aa5b1", width=3)
    draw.line([66, 58, 94, 58], fill="#9aa5b1", width=3)
    draw.line([66, 72, 86, 72], fill="#9aa5b1", width=3)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()

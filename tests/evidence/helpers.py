"""Sample files and multipart bodies for the evidence tests (bytes made here, nothing downloaded)."""

from __future__ import annotations

import io
import secrets
import struct
import zipfile
from collections.abc import Iterable, Iterator
from urllib.parse import quote

from PIL import Image


def png(color="red", size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def jpeg(size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "blue").save(out, "JPEG")
    return out.getvalue()


def pdf(text: str = "Evidence") -> bytes:
    """A small, valid one-page PDF (hand-written, with a correct cross-reference table)."""
    stream = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
         b"/Resources << /Font << /F1 5 0 R >> >> >>"),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels", "<Relationships/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def zip_archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "hello")
    return out.getvalue()


def text(body: str = "证据说明：被投诉人于2026年9月在解放碑门店销售涉嫌侵权产品。\n") -> bytes:
    return body.encode("utf-8")


def html() -> bytes:
    return (b"<!DOCTYPE html><html><head><title>x</title></head><body><script>alert(document.cookie)</script></body></"
            b"html>")


def elf() -> bytes:
    """The start of a 64-bit Linux executable (enough for any sniffer to call it one)."""
    header = (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + struct.pack("<HHIQQQIHHHHHH", 2, 0x3E, 1, 0x401000, 64, 0,
                                                                    0, 64, 56, 1, 64, 0, 0))
    return header + b"\x00" * 512


def windows_exe() -> bytes:
    dos = bytearray(b"MZ" + b"\x90\x00" * 29)
    dos += b"\x00" * (0x3C - len(dos)) + struct.pack("<I", 0x80)
    dos += b"\x00" * (0x80 - len(dos))
    pe = b"PE\x00\x00" + struct.pack("<HHIIIHH", 0x14C, 1, 0, 0, 0, 0xE0, 0x102)
    return bytes(dos) + pe + b"\x00" * 0x200


def unique_text() -> bytes:
    return text(f"证据 {secrets.token_hex(16)}\n")


def multipart(fields: dict | None = None, files: Iterable[tuple[str, str | None, bytes]] = (),
              boundary: str | None = None) -> tuple[bytes, str]:
    """A multipart/form-data body with exact control over file names (None: no filename parameter)."""
    boundary = boundary or "----caseflow" + secrets.token_hex(12)
    out = io.BytesIO()
    for name, value in (fields or {}).items():
        out.write(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n".encode())
        out.write(str(value).encode("utf-8") + b"\r\n")
    for field, filename, data in files:
        out.write(_file_head(boundary, field, filename))
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def _file_head(boundary: str, field: str, filename: str | None,
               content_type: str = "application/octet-stream") -> bytes:
    disp = f'form-data; name="{field}"'
    if filename is not None:
        # Browsers send the UTF-8 name as is in filename="…"; escape quotes as they do.
        disp += '; filename="' + filename.replace('"', "%22") + '"'
    return f"--{boundary}\r\nContent-Disposition: {disp}\r\nContent-Type: {content_type}\r\n\r\n".encode()


def streaming_multipart(fields: dict, field: str, filename: str, chunks: Iterable[bytes], size: int,
                        boundary: str | None = None) -> tuple[Iterator[bytes], int, str]:
    """A multipart body produced on the fly (the file part from `chunks`, `size` bytes in all), with its
    exact Content-Length, so that a large upload never sits in the client's memory either."""
    boundary = boundary or "----caseflow" + secrets.token_hex(12)
    head = b"".join(
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n".encode() + str(v).encode() + b"\r\n"
        for k, v in fields.items()) + _file_head(boundary, field, filename)
    tail = f"\r\n--{boundary}--\r\n".encode()

    def gen():
        yield head
        yield from chunks
        yield tail

    return gen(), len(head) + size + len(tail), f"multipart/form-data; boundary={boundary}"


def rfc5987(name: str) -> str:
    return "UTF-8''" + quote(name)


COMPLAINT = {
    "procedure": "complaint", "unit": "500103", "kind": "patent_infringement", "ip_type": "invention",
    "right_number": "ZL202010123456.2", "title": "销售侵犯发明专利权的空气净化器",
    "facts": "被投诉人在解放碑门店销售涉嫌侵权产品。", "claims": "请求责令停止销售。", "channel": "online",
    "claimants": [{"name": "重庆山城科技有限公司", "id_type": "uscc", "id_number": "91500103MA5U8KJ84F",
                   "address": "重庆市渝中区", "phone": "13800000000"}],
    "respondents": [{"name": "重庆某某商贸有限公司", "id_type": "uscc", "address": "重庆市渝中区解放碑"}],
}

MP4_HEAD = struct.pack(">I", 24) + b"ftypisom\x00\x00\x02\x00isomiso2" + struct.pack(">I", 8) + b"free"


def video_chunks(total: int, chunk: int = 1024 * 1024, seed: bytes = b"") -> Iterator[bytes]:
    """`total` bytes that sniff as an MP4 video, made on the fly one chunk at a time (never held whole)."""
    import hashlib as _h

    block = bytearray(_h.sha256(seed).digest() * (chunk // 32))
    sent = 0
    n = 0
    while sent < total:
        size = min(chunk, total - sent)
        block[:8] = n.to_bytes(8, "big")  # every chunk differs a little
        piece = bytes(block[:size])
        if sent == 0:
            piece = (MP4_HEAD + piece)[:size]
        yield piece
        sent += size
        n += 1

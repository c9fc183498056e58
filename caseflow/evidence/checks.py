"""Upload checks with Chinese messages: names, sizes, and the type sniffed from the content (never the name).

Types are identified by libmagic (the database behind `file(1)`, through python-magic) and matched against an
allowlist of families: PDF, images, office documents, plain text, audio and video. Archives and executables are
refused unless the office configures otherwise; anything unknown is refused.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass

from caseflow.core.errors import Invalid

SNIFF_BYTES = 1024 * 1024  # libmagic needs the zip directory entries of office files, which sit near the start

FAMILY_TITLES = {
    "pdf": "PDF 文档",
    "image": "图片",
    "office": "办公文档",
    "text": "纯文本",
    "audio": "音频",
    "video": "视频",
    "archive": "压缩包",
    "executable": "可执行程序或脚本",
}

_EXACT = {
    "application/pdf": "pdf",
    # Images that browsers show safely; SVG is refused on purpose (it can carry scripts).
    "image/jpeg": "image", "image/png": "image", "image/gif": "image", "image/webp": "image",
    "image/bmp": "image", "image/x-ms-bmp": "image", "image/tiff": "image", "image/heic": "image",
    "image/heif": "image", "image/avif": "image",
    # Office documents: Word, Excel, PowerPoint (binary and OOXML), OpenDocument, RTF, WPS (OLE containers).
    "application/msword": "office", "application/vnd.ms-excel": "office",
    "application/vnd.ms-powerpoint": "office", "application/vnd.ms-office": "office",
    "application/x-ole-storage": "office", "application/cdfv2": "office",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "office",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "office",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "office",
    "application/vnd.oasis.opendocument.text": "office",
    "application/vnd.oasis.opendocument.spreadsheet": "office",
    "application/vnd.oasis.opendocument.presentation": "office",
    "text/rtf": "office", "application/rtf": "office",
    "text/plain": "text", "text/csv": "text",
    "application/ogg": "audio",
    # Archives and executables: refused unless configured.
    "application/zip": "archive", "application/x-zip-compressed": "archive", "application/x-rar": "archive",
    "application/vnd.rar": "archive", "application/x-7z-compressed": "archive", "application/gzip": "archive",
    "application/x-gzip": "archive", "application/x-tar": "archive", "application/x-bzip2": "archive",
    "application/x-xz": "archive", "application/zstd": "archive", "application/x-lzma": "archive",
    "application/x-dosexec": "executable", "application/vnd.microsoft.portable-executable": "executable",
    "application/x-executable": "executable",
    "application/x-pie-executable": "executable", "application/x-sharedlib": "executable",
    "application/x-mach-binary": "executable", "application/x-msi": "executable",
    "application/java-archive": "executable", "application/x-java-applet": "executable",
    "application/vnd.android.package-archive": "executable", "application/x-msdownload": "executable",
    "text/x-shellscript": "executable", "text/x-python": "executable", "text/x-perl": "executable",
    "text/x-msdos-batch": "executable", "application/x-bytecode.python": "executable",
    "application/javascript": "executable", "text/javascript": "executable",
}

# What people call things they should not upload, for the refusal message.
_REFUSED_TITLES = {
    "text/html": "HTML 网页", "application/xhtml+xml": "HTML 网页", "image/svg+xml": "SVG 矢量图（可包含脚本）",
    "text/xml": "XML 文件", "application/xml": "XML 文件", "application/octet-stream": "无法识别的二进制数据",
    "application/x-empty": "空文件", "inode/x-empty": "空文件",
}

# File extensions we know, by family: a name that promises one family while the content is another is refused.
_EXT_FAMILY = {
    **dict.fromkeys(["pdf"], "pdf"),
    **dict.fromkeys(["jpg", "jpeg", "jpe", "png", "gif", "webp", "bmp", "tif", "tiff", "heic", "heif", "avif"],
                    "image"),
    **dict.fromkeys(["doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "rtf", "wps", "et", "dps"],
                    "office"),
    **dict.fromkeys(["txt", "csv", "log", "md"], "text"),
    **dict.fromkeys(["mp3", "wav", "flac", "aac", "m4a", "amr", "ogg", "oga", "wma", "opus"], "audio"),
    **dict.fromkeys(["mp4", "m4v", "mov", "avi", "mkv", "webm", "3gp", "wmv", "flv", "mpg", "mpeg", "ts"], "video"),
    **dict.fromkeys(["zip", "rar", "7z", "gz", "tgz", "tar", "bz2", "xz", "zst"], "archive"),
    **dict.fromkeys(["exe", "dll", "msi", "bat", "cmd", "com", "scr", "sh", "ps1", "vbs", "js", "jar", "apk",
                     "elf", "bin", "py", "pl"], "executable"),
}
_MEDIA = {"audio", "video"}  # one container format serves both (mp4/m4a, ogg, webm)

_magic_lock = threading.Lock()
_magic = None


def sniff_mime(head: bytes) -> str:
    """The media type libmagic sees in the first bytes of a file."""
    global _magic  # noqa: PLW0603 - one libmagic cookie per process, opened on first use
    import magic

    with _magic_lock:  # a libmagic cookie is not thread-safe
        if _magic is None:
            _magic = magic.Magic(mime=True)
        return (_magic.from_buffer(head) or "application/octet-stream").split(";")[0].strip().lower()


def family_of(mime: str) -> str | None:
    """The allowlist family of a media type, or None when it belongs to none."""
    mime = mime.lower()
    if mime in _EXACT:
        return _EXACT[mime]
    if mime.startswith("audio/"):
        return "audio"
    if mime.startswith("video/"):
        return "video"
    return None


def describe_mime(mime: str) -> str:
    fam = family_of(mime)
    if mime in _REFUSED_TITLES:
        return _REFUSED_TITLES[mime]
    return FAMILY_TITLES.get(fam, "未知类型") + f"（{mime}）" if fam else f"未知类型（{mime}）"


_BAD_NAME_CHARS = re.compile(r"[\x00-\x1f\x7f/\\]")
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)
MAX_NAME_BYTES = 255


def check_name(raw: str | None) -> str:
    """Return the file name for display (NFC, trimmed), or raise Invalid: empty, paths, control characters."""
    name = unicodedata.normalize("NFC", (raw or "")).strip()
    if not name:
        raise Invalid("文件名为空，请为文件命名后重新上传", fields={"file": "文件名为空"})
    if "/" in name or "\\" in name or name in {".", ".."}:
        raise Invalid(f"文件名“{_shown(name)}”含有路径（如 ../ 或 /），请只使用文件本身的名称",
                      fields={"file": "文件名不能包含路径"})
    if _BAD_NAME_CHARS.search(name):
        raise Invalid("文件名含有控制字符，请重命名后重新上传", fields={"file": "文件名含有控制字符"})
    if not name.strip(". "):
        raise Invalid("文件名无效，请重命名后重新上传", fields={"file": "文件名无效"})
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise Invalid("文件名过长（最多 255 字节，约 85 个汉字），请缩短后重新上传", fields={"file": "文件名过长"})
    return name


def _shown(name: str) -> str:
    return name if len(name) <= 60 else name[:57] + "…"


def safe_download_name(name: str) -> str:
    """The display name made safe for a Content-Disposition header and any desktop file system."""
    cleaned = re.sub(r'[\x00-\x1f\x7f<>:"/\\|?*]', "_", name).strip(". ") or "evidence"
    if _WINDOWS_RESERVED.match(cleaned):
        cleaned = "_" + cleaned
    return cleaned


def extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


@dataclass
class Sniffed:
    mime: str
    family: str


def check_content(head: bytes, size: int, name: str, *, max_bytes: int, allow_archives: bool,
                  allow_executables: bool) -> Sniffed:
    """Check size and type of an upload whose first bytes are `head`; raise Invalid with a clear message."""
    if size == 0:
        raise Invalid(f"文件“{_shown(name)}”是空文件（0 字节），请检查后重新上传", fields={"file": "空文件"})
    if size > max_bytes:
        raise too_large(max_bytes)
    mime = sniff_mime(head)
    family = family_of(mime)
    if family is None and _looks_like_program(head):
        family = "executable"
    allowed = {"pdf", "image", "office", "text", "audio", "video"}
    if allow_archives:
        allowed.add("archive")
    if allow_executables:
        allowed.add("executable")
    ext = extension(name)
    claimed = _EXT_FAMILY.get(ext)
    if family not in allowed:
        what = describe_mime(mime) if family is None else FAMILY_TITLES[family]
        if claimed and claimed != family:
            found = f"“{_shown(name)}”的扩展名是 .{ext}，但内容实际是{what}"
        else:
            found = f"“{_shown(name)}”的内容是{what}"
        raise Invalid(
            f"不接受该文件：{found}。可上传 PDF、图片、办公文档、纯文本、音频和视频"
            + ("" if allow_archives and allow_executables else "；压缩包和可执行程序不予接受"),
            fields={"file": "文件类型不被接受"}, code="unsupported_type")
    if claimed and claimed != family and not (claimed in _MEDIA and family in _MEDIA):
        raise Invalid(
            f"文件“{_shown(name)}”的扩展名 .{ext} 表示{FAMILY_TITLES[claimed]}，但内容实际是{FAMILY_TITLES[family]}，"
            "请确认文件后以正确的扩展名重新上传",
            fields={"file": "扩展名与内容不符"}, code="unsupported_type")
    return Sniffed(mime, family)


def _looks_like_program(head: bytes) -> bool:
    # Belt and braces for formats libmagic may call application/octet-stream when truncated.
    return head.startswith((b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"#!"))


def too_large(max_bytes: int) -> Invalid:
    return Invalid(f"文件超过大小上限（{human_size(max_bytes)}），请压缩或拆分后再上传",
                   fields={"file": "文件过大"}, code="too_large", status=413)


def human_size(n: int) -> str:
    """1536 → 1.5 KB (binary units, as the size limit is configured)."""
    size = float(n)
    for unit in ("字节", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{int(size)} {unit}" if unit == "字节" else f"{size:.1f} {unit}".replace(".0 ", " ")
        size /= 1024
    return f"{n} 字节"


def is_inline_safe(mime: str) -> bool:
    """Only images and PDFs are shown inline; everything else is downloaded."""
    return family_of(mime) in {"pdf", "image"} and mime not in {"image/tiff", "image/heic", "image/heif"}

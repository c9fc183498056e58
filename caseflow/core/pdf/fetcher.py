"""The URL fetcher of rendered documents: files under the static directory only, never ``file://`` or the network."""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

REPO_ROOT = Path(__file__).resolve().parents[3]
TEMPLATES_DIR = REPO_ROOT / "templates"
DEFAULT_STATIC_ROOT = REPO_ROOT / "static"

#: Origin used as the base URL of rendered documents.  ``.invalid`` never
#: resolves (RFC 2606), and the fetcher maps its ``/static/`` URLs to files.
INTERNAL_ORIGIN = "https://caseflow.invalid"
INTERNAL_BASE_URL = INTERNAL_ORIGIN + "/"
STATIC_URL_PREFIX = "/static/"


class URLRefused(ValueError):
    """A document asked for a resource outside the static directory."""


class StaticURLFetcher(URLFetcher):
    """Serve ``/static/…`` URLs from a directory on disk and refuse everything else.

    A URL is served when its scheme is http or https, its origin is one of
    ``origins`` (the internal base URL, plus the document's own base URL) and
    its path starts with ``url_prefix``; the rest of the path is looked up under
    ``static_root`` without leaving it.  ``data:`` URLs (inline QR codes) are
    allowed unless ``allow_data`` is false.  ``file:``, other hosts and other
    schemes raise :class:`URLRefused`; nothing is ever fetched over the network.
    """

    def __init__(
        self,
        static_root: str | os.PathLike,
        *,
        url_prefix: str = STATIC_URL_PREFIX,
        origins: Iterable[str] = (INTERNAL_ORIGIN,),
        allow_data: bool = True,
        fail_on_errors: bool = True,
        **kwargs,
    ) -> None:
        # fail_on_errors: a notice missing its seal must not be issued silently.
        super().__init__(allowed_protocols=("http", "https", "data"), fail_on_errors=fail_on_errors, **kwargs)
        self.static_root = Path(static_root).resolve()
        self.url_prefix = "/" + url_prefix.strip("/") + "/"
        self.origins = frozenset(origin_of(o) for o in origins)
        self.allow_data = allow_data

    def resolve(self, url: str) -> Path:
        """Return the file a static URL stands for, or raise URLRefused."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise URLRefused(f"refused {scheme or 'relative'} URL: {url[:200]}")
        if f"{scheme}://{parts.netloc.lower()}" not in self.origins:
            raise URLRefused(f"refused URL outside the static route: {url[:200]}")
        if not parts.path.startswith(self.url_prefix):
            raise URLRefused(f"refused URL outside {self.url_prefix}: {url[:200]}")
        relative = unquote(parts.path[len(self.url_prefix) :])
        segments = relative.split("/")
        if (
            not relative
            or "\\" in relative
            or "\x00" in relative
            or any(segment in ("", ".", "..") for segment in segments)
        ):
            raise URLRefused(f"refused static path: {url[:200]}")
        path = (self.static_root / relative).resolve()
        # resolve() follows symbolic links, so a link out of the root is refused too.
        if not path.is_relative_to(self.static_root) or not path.is_file():
            raise URLRefused(f"no such static file: {url[:200]}")
        return path

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        """Fetch a static file or a data: URL; refuse everything else."""
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            if not self.allow_data:
                raise URLRefused("refused data: URL")
            return super().fetch(url, headers)
        path = self.resolve(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def default_static_root() -> Path:
    """Return the Flask app's static folder, or the repository's static/ directory."""
    try:
        from flask import current_app, has_app_context

        if has_app_context() and current_app.static_folder:
            return Path(current_app.static_folder)
    except ImportError:  # pragma: no cover - Flask is a dependency of the app
        pass
    return DEFAULT_STATIC_ROOT


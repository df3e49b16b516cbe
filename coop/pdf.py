"""PDFs from templates with WeasyPrint, fetching nothing but the project's own static files.

Templates link their stylesheet by a path relative to the static directory (`css/pdf.css`,
resolved against the base URL given here) or as a `/static/...` URL; not with `{% static %}`,
whose hashed production names exist only under STATIC_ROOT. The fetcher serves only regular files inside
`BASE_DIR/static`: no network, no `file://` elsewhere, no `data:` URLs, no `../` escapes.
Japanese text uses the IPA fonts from fontconfig (Debian's fonts-ipafont-*): the same glyphs
on every machine, and fast to subset (Noto CJK makes WeasyPrint about 15 times slower).
"""

import logging
import mimetypes
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string

# WeasyPrint logs every step at INFO (some while it is imported); keep its warnings and errors.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

STATIC_DIR = Path(settings.BASE_DIR) / "static"


class ResourceRefused(ValueError):
    """A PDF template asked for something outside the project's static files."""


def _static_url_prefix():
    # Only a local STATIC_URL ("/static/") can be mapped onto the static directory.
    prefix = urlsplit(settings.STATIC_URL or "/static/").path or "/static/"
    return prefix if prefix.endswith("/") else prefix + "/"


def static_path_for_url(url):
    """The file under STATIC_DIR that `url` names, or ResourceRefused.

    Accepted: `/static/<path>`, `file://<BASE_DIR>/static/<path>`, and `file:///static/<path>`
    (what a `/static/...` link becomes against the `file://` base URL of the static directory).
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise ResourceRefused(f"Refused a file URL on another host: {url}")
        path = Path(url2pathname(unquote(parts.path)))
    elif scheme == "" and not parts.netloc:
        path = Path(unquote(parts.path))
    else:
        raise ResourceRefused(f"Refused a {scheme or 'network'} URL in a PDF: {url}")

    root = STATIC_DIR.resolve()
    prefix = _static_url_prefix()
    if path.is_absolute() and not _inside(path, root) and path.as_posix().startswith(prefix):
        path = root / path.as_posix()[len(prefix) :]
    elif not path.is_absolute():
        path = root / path
    resolved = path.resolve()  # follows symlinks and `..`, so what is checked is what is read
    if not _inside(resolved, root) or not resolved.is_file():
        raise ResourceRefused(f"Refused a file outside the static files: {url}")
    return resolved


def _inside(path, root):
    try:
        return Path(path).resolve().is_relative_to(root)
    except (OSError, ValueError):
        return False


class StaticOnlyFetcher(URLFetcher):
    """WeasyPrint URL fetcher for the project's static files only; everything else raises.

    A refusal stops the rendering (fail_on_errors): a PDF never silently goes out without a
    resource its template asked for, and a stray network URL is noticed at once.
    """

    def __init__(self):
        super().__init__(timeout=1, allowed_protocols={"file"}, allow_redirects=False, fail_on_errors=True)

    def fetch(self, url, headers=None):
        path = static_path_for_url(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if content_type.startswith("text/"):
            content_type += "; charset=utf-8"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})


def static_base_url():
    return STATIC_DIR.resolve().as_uri() + "/"


_local = threading.local()


def _font_config():
    """One fontconfig/Pango configuration per thread, reused by every render.

    A new FontConfiguration per document (WeasyPrint's default) loads the system fonts again
    and makes a long-lived worker grow by about 0.25 MiB a render; reused, memory stays flat
    and a render is faster. The PDF stylesheets use installed fonts only: an @font-face rule
    would add its font to this shared configuration for good.
    """
    config = getattr(_local, "font_config", None)
    if config is None:
        config = _local.font_config = FontConfiguration()
    return config


def render_pdf(template_name, context):
    """Renders a Django template to PDF bytes (A4 and page numbers come from static/css/pdf.css)."""
    html = render_to_string(template_name, context)
    document = HTML(string=html, base_url=static_base_url(), url_fetcher=StaticOnlyFetcher())
    return document.write_pdf(font_config=_font_config())

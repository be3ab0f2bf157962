"""Delivering a package's files so that the package cannot read the site's cookie-bearing pages.

- The player page frames the package in `<iframe sandbox>`. Without CONTENT_ORIGIN (development) the files come
  from this site, under /t/<slug>/scorm/content/<token>/, and the sandbox has no `allow-same-origin`: the package
  runs with an opaque origin, so it can neither read the site's pages nor its cookies. With CONTENT_ORIGIN set
  (production) the files come from that separate, cookieless origin, and `allow-same-origin` is given so packages
  can use their own storage: that origin holds nothing of the site.
- Every file is served with a strict Content-Security-Policy: only the package's own origin for everything it loads
  (inline scripts and eval are allowed, because authoring tools depend on them), no plugins from elsewhere, framed
  only by the player, and `sandbox` again, so a file opened outside the frame is just as confined.
- The package talks to the runtime (scorm-again, in the player page) through scorm-again's cross-frame bridge:
  every HTML page of the package gets two script tags at the top of its <head>, which set `window.API` /
  `window.API_1484_11` to a `CrossFrameAPI` posting to the player. The bridge starts from the item's stored CMI data,
  so a package that reads its suspend data right after Initialize resumes where the learner left off.
"""

from __future__ import annotations

import json
import mimetypes
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.templatetags.static import static
from django.utils.html import escape

from enablement.conf import setting

SANDBOX = "allow-scripts allow-forms allow-popups allow-modals allow-downloads"
# Types authoring tools ship that Python's table may lack or get wrong.
CONTENT_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".css": "text/css",
    ".htm": "text/html",
    ".html": "text/html",
    ".svg": "image/svg+xml",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".ogg": "audio/ogg",
    ".wav": "audio/wav",
    ".vtt": "text/vtt",
    ".xml": "application/xml",
    ".xsd": "application/xml",
    ".pdf": "application/pdf",
    ".swf": "application/x-shockwave-flash",
}
_HEAD = re.compile(rb"<head(?:\s[^>]*)?>", re.IGNORECASE)
_HTML = re.compile(rb"<html(?:\s[^>]*)?>", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!doctype[^>]*>", re.IGNORECASE)
# Request destinations that are documents (a frame's page), as opposed to a page fetched by script as a template.
DOCUMENT_DESTINATIONS = {"document", "iframe", "frame", "embed", "object"}


def separate_origin() -> bool:
    return bool(setting("CONTENT_ORIGIN"))


def origin_of(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def content_host() -> str:
    return urlsplit(setting("CONTENT_ORIGIN")).netloc


def sandbox() -> str:
    """The iframe's sandbox: the package's own origin only when that origin is not this site's."""
    return f"{SANDBOX} allow-same-origin" if separate_origin() else SANDBOX


def content_type_of(path: str) -> str:
    suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    # No charset: packages come in every encoding, and the page's own <meta charset> or the browser decides.
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"


def content_security_policy(*, player_origin: str) -> str:
    extra = ""
    if urlsplit(settings.STATIC_URL).scheme:  # static files from another host (a CDN): the bridge's scripts
        static_origin = urlsplit(settings.STATIC_URL)
        extra = f" {static_origin.scheme}://{static_origin.netloc}"
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'unsafe-inline' 'unsafe-eval' blob: data:{extra}",
            "style-src 'self' 'unsafe-inline' blob: data:",
            "img-src 'self' blob: data:",
            "media-src 'self' blob: data:",
            "font-src 'self' data:",
            "connect-src 'self' blob: data:",
            "frame-src 'self' blob: data:",
            "worker-src 'self' blob:",
            "object-src 'self'",
            "form-action 'self'",
            "base-uri 'self'",
            f"frame-ancestors 'self' {player_origin}",
            f"sandbox {sandbox()}",
        ]
    )


def wants_bridge(request, content_type: str) -> bool:
    """Pages opened as documents get the bridge; an HTML file a package fetches by script (a template) does not."""
    if not content_type.startswith("text/html") or request.method != "GET":
        return False
    destination = request.headers.get("Sec-Fetch-Dest", "document")
    return destination in DOCUMENT_DESTINATIONS


def bridge_tags(*, version: str, player_origin: str, seed: dict) -> bytes:
    """The two script tags a package's pages get: scorm-again's CrossFrameAPI and ours that installs it."""
    data = escape(json.dumps(seed, separators=(",", ":")))
    tags = (
        f'<script src="{static("vendor/scorm-again/cross-frame-api.min.js")}"></script>'
        f'<script src="{static("enablement/scorm/sco-bridge.js")}" data-version="{escape(version)}" '
        f'data-origin="{escape(player_origin)}" data-seed="{data}"></script>'
    )
    return tags.encode()


def inject(body: bytes, tags: bytes) -> bytes:
    """Put the tags first in <head> (before the package's own scripts look for the API); a page without <head>
    gets them after <html>, or after its doctype so it stays in standards mode."""
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: inserting ASCII would break it
        return body
    for pattern in (_HEAD, _HTML, _DOCTYPE):
        match = pattern.search(body, 0, 64 * 1024)
        if match:
            return body[: match.end()] + tags + body[match.end() :]
    return tags + body


def flatten_seed(cmi: dict, *, prefix: str = "cmi") -> dict:
    """The CMI data as the bridge's cache wants it: "cmi.core.lesson_status" -> value, with `_count` of rows."""
    flat: dict[str, str] = {}

    def walk(value, path):
        if isinstance(value, dict):
            if path.rsplit(".", 1)[-1] in ("interactions", "objectives", "comments_from_learner", "comments_from_lms"):
                flat[f"{path}._count"] = str(sum(1 for key in value if str(key).isdigit()))
            for key, inner in value.items():
                walk(inner, f"{path}.{key}")
        else:
            flat[path] = "" if value is None else str(value)

    walk(cmi, prefix)
    return flat

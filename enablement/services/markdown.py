"""A text lesson's Markdown, rendered with markdown-it-py and sanitised with nh3, once, when the lesson is saved.

Authors write CommonMark (tables and strikethrough too) and may use a little HTML where Markdown has no word for it
(`<kbd>`, `<details>`, `<sup>`). Two things are refused with a message on the field rather than silently dropped, so
the author learns why their lesson did not come out as written: a script (a `<script>` element or an `on…` event
attribute) and an address that runs code or smuggles content (`javascript:`, `vbscript:`, `data:`, `file:` …: only
http, https, mailto, tel and relative addresses are links). Everything else outside the allowed tags and attributes
is stripped by nh3, which also catches whatever this check did not foresee.

Code spans and blocks are escaped by Markdown before anything looks at them, so a lesson can *show* `<script>`.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

from prm.errors import ValidationFailed

SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Attributes that hold an address (on any tag: raw HTML can put them anywhere).
URL_ATTRIBUTES = frozenset(
    {"href", "src", "srcset", "action", "formaction", "poster", "background", "cite", "data", "xlink:href", "ping"}
)
ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "dl", "dt", "em", "figcaption",
        "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre",
        "s", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
        "tr", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
# Browsers drop ASCII tabs and newlines anywhere in an address, and control characters and spaces around it, before
# they read its scheme: "java\tscript:" runs. Compare what the browser would see.
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
MAX_SHOWN = 60

_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)
# markdown-it leaves a `javascript:` link as plain text; letting every link through to the check below turns that
# silent change into a clear refusal (and nh3 still removes anything unsafe).
_markdown.validateLink = lambda url: True


def url_scheme(value: str) -> str | None:
    """The scheme a browser would read from an address (lower case), or None for a relative one."""
    match = _SCHEME.match(_IGNORED_IN_URL.sub("", value).lower())
    return match.group(1) if match else None


class _Scan(HTMLParser):
    """Finds scripts and unsafe addresses in rendered HTML (attribute values arrive with entities decoded)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.script = False
        self.unsafe_urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.script = True
        for name, value in attrs:
            if name.startswith("on"):
                self.script = True
            elif name in URL_ATTRIBUTES and value:
                candidates = (
                    [part.split()[0] for part in value.split(",") if part.strip()] if name == "srcset" else [value]
                )
                self.unsafe_urls += [url for url in candidates if url_scheme(url) not in (None, *SAFE_SCHEMES)]

    handle_startendtag = handle_starttag


def _shown(url: str) -> str:
    url = url.strip()
    return url if len(url) <= MAX_SHOWN else url[: MAX_SHOWN - 1] + "…"


def render_lesson_markdown(text: str, *, field: str = "body") -> str:
    """The lesson's HTML: Markdown rendered, then sanitised. Refuses (naming `field`) a script or an address that is
    not http(s), mailto, tel or relative."""
    html = _markdown.render(text or "")
    scan = _Scan()
    scan.feed(html)
    scan.close()
    if scan.script:
        raise ValidationFailed(
            _("Lessons cannot run scripts: remove the <script> element or the on… event attribute."), field=field
        )
    if scan.unsafe_urls:
        raise ValidationFailed(
            _("The address “%(url)s” could run code in the learner's browser: link to an http or https address.")
            % {"url": _shown(scan.unsafe_urls[0])},
            field=field,
        )
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(SAFE_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )

"""Template helpers of program agreements: the text of a version, rendered safely, and the portal's banner of
agreements still to accept."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from partners.selectors import agreements as selectors

register = template.Library()

_BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EMPHASIS = re.compile(r"(?<![*\w])\*(?=\S)([^*]+?)(?<=\S)\*(?![*\w])")


def _inline(line: str) -> str:
    """Escape the line, then turn **bold** and *italic* into tags (the text can hold no tag of its own)."""
    html = escape(line.strip())
    html = _STRONG.sub(r"<strong>\1</strong>", html)
    return _EMPHASIS.sub(r"<em>\1</em>", html)


def _list(lines, pattern, tag) -> str:
    items = "".join(f"<li>{_inline(pattern.match(line).group(1))}</li>" for line in lines)
    return f"<{tag}>{items}</{tag}>"


def _block(lines: list[str]) -> str:
    heading = _HEADING.match(lines[0])
    if heading:
        level = len(heading.group(1))
        out = f'<h{level + 2} class="h{level + 4}">{_inline(heading.group(2))}</h{level + 2}>'
        return out + (_block(lines[1:]) if lines[1:] else "")
    if all(_BULLET.match(line) for line in lines):
        return _list(lines, _BULLET, "ul")
    if all(_NUMBERED.match(line) for line in lines):
        return _list(lines, _NUMBERED, "ol")
    return "<p>" + "<br>".join(_inline(line) for line in lines) + "</p>"


@register.filter
def agreement_text(text: str) -> str:
    """Plain text with a small, safe subset of Markdown: blank lines between paragraphs, line breaks kept,
    `#`/`##`/`###` headings, `-` or `1.` lists, **bold** and *italic*. Everything is escaped first: raw HTML in
    the text shows as text, never as markup, and there are no links."""
    blocks, current = [], []
    for line in (text or "").replace("\r\n", "\n").split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return mark_safe("".join(_block(block) for block in blocks))  # noqa: S308 - built from escaped text only


@register.simple_tag(takes_context=True)
def pending_agreements(context):
    """The agreements the member's partner organization still has to accept (none for staff): one query."""
    request = context.get("request")
    membership = getattr(request, "membership", None)
    if membership is None or not membership.is_partner_role or membership.partner_organization_id is None:
        return []
    return selectors.partner_pending_agreements(partner=membership.partner_organization)

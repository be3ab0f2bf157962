"""Finds the user-visible text of a Django template that is not inside a translation tag.

The template is split by Django's own lexer; an HTML scanner then walks the text between template tags, so a tag
like `<a href="{% url 'x' %}">` is read as one HTML tag. Visible text is what a person reads: text between HTML
tags, and the values of the attributes a browser shows or reads aloud (placeholder, title, aria-label, alt, …).
Whitespace, punctuation, numbers, HTML entities and `{{ }}` / `{% %}` are not text. Text inside `{% translate %}`
or `{% blocktranslate %}…{% endblocktranslate %}`, `{% comment %}`, `<script>`, `<style>` and HTML comments is
skipped. Plain-text templates (e-mails) are read as text throughout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.template.base import DebugLexer, TokenType

VISIBLE_ATTRIBUTES = frozenset(
    {"placeholder", "title", "aria-label", "alt", "hx-confirm", "label", "aria-valuetext", "aria-description"}
)
# `value` is visible on <input type="submit"> and its kind only.
BUTTON_TYPES = frozenset({"submit", "button", "reset"})
# `{{ x|default:"no region" }}`: words in a filter's argument, shown when the value is empty.
LITERAL_ARGUMENT = re.compile(r"""\|(default|default_if_none):(?P<q>["'])(?P<text>[^"']*)(?P=q)""")
ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
# Inline markup that stays inside a sentence (and inside its translation): "Sign in with <strong>…</strong>."
INLINE_TAG = re.compile(r"</?(strong|em|b|code|kbd|br)(\s[^<>{}]*)?/?>", re.IGNORECASE)
# Identifiers, not words: header names, event types, code.
CODE = re.compile(r"<(code|kbd)\b[^>]*>.*?</\1>", re.IGNORECASE | re.DOTALL)
LETTER = re.compile(r"[^\W\d_]")


@dataclass
class Run:
    """A stretch of visible text: pieces of template text and the `{{ }}` tokens between them."""

    where: str  # "text" or the attribute's name
    line: int
    items: list = field(default_factory=list)  # ("text", start, end) or ("var", token)

    def add_text(self, start: int, end: int) -> None:
        if self.items and self.items[-1][0] == "text" and self.items[-1][2] == start:
            self.items[-1] = ("text", self.items[-1][1], end)
        else:
            self.items.append(("text", start, end))

    def text(self, source: str) -> str:
        return "".join(source[item[1] : item[2]] for item in self.items if item[0] == "text")

    def has_words(self, source: str) -> bool:
        text = INLINE_TAG.sub(" ", CODE.sub(" ", self.text(source)))
        return bool(LETTER.search(ENTITY.sub(" ", text)))


def _block_name(token) -> str:
    return token.contents.split(None, 1)[0] if token.contents.strip() else ""


class Scanner:
    def __init__(self, source: str, *, plain_text: bool = False):
        self.source = source
        self.plain_text = plain_text
        self.runs: list[Run] = []

    # HTML states: data, tag (name and attributes), comment, raw (script/style body)
    def scan(self) -> list[Run]:
        tokens = DebugLexer(self.source).tokenize()
        self.state = "data"
        self.tag_name = ""
        self.tag_attrs: dict[str, str] = {}
        self.attr_name = ""
        self.attr_run: Run | None = None
        self.quote = ""
        self.sub = ""  # inside a tag: name, between, attr, after_eq, value
        self.run: Run | None = None
        self.raw_end = ""
        skip_until = None
        for token in tokens:
            if skip_until:
                if token.token_type == TokenType.BLOCK and _block_name(token) in skip_until:
                    skip_until = None
                continue
            if token.token_type == TokenType.TEXT:
                self._text(token)
            elif token.token_type == TokenType.VAR:
                self._var(token)
            elif token.token_type == TokenType.BLOCK:
                name = _block_name(token)
                if name in ("blocktranslate", "blocktrans"):
                    skip_until = ("endblocktranslate", "endblocktrans")
                elif name == "comment":
                    skip_until = ("endcomment",)
                elif name == "block" and token.contents.split()[-1].endswith("_class"):
                    skip_until = ("endblock",)  # CSS classes a page puts on the layout
                self._break()
            else:
                self._break()
        self._end_run()
        return self.runs

    def _line(self, position: int) -> int:
        return self.source.count("\n", 0, position) + 1

    def _end_run(self):
        if self.run is not None and self.run.items:
            self.runs.append(self.run)
        self.run = None

    def _break(self):
        """A block tag: ends a run of text (inside an attribute value, the value's run)."""
        if self.state == "data":
            self._end_run()
        elif self.state == "tag" and self.sub == "value" and self.attr_run is not None and self.attr_run.items:
            self.runs.append(self.attr_run)
            self.attr_run = Run(self.attr_name, self.attr_run.line)

    def _var(self, token):
        visible_attribute = self.state == "tag" and self.sub == "value" and self.attr_run is not None
        if self.state == "data" or visible_attribute:
            offset = self.source.index(token.contents, token.position[0])
            for match in LITERAL_ARGUMENT.finditer(token.contents):
                run = Run("default", token.lineno)
                run.add_text(offset + match.start("text"), offset + match.end("text"))
                self.runs.append(run)
        if self.state == "data":
            if self.run is None:
                self.run = Run("text", token.lineno)
            self.run.items.append(("var", token))
        elif self.state == "tag" and self.sub == "value" and self.attr_run is not None:
            self.attr_run.items.append(("var", token))
            self.tag_attrs[self.attr_name] = self.tag_attrs.get(self.attr_name, "") + "{{}}"

    def _text(self, token):
        start = token.position[0]
        text = token.contents
        if self.plain_text:
            if self.run is None:
                self.run = Run("text", token.lineno)
            self.run.add_text(start, start + len(text))
            return
        i = 0
        while i < len(text):
            i = getattr(self, "_" + self.state)(text, i, start)

    def _data(self, text, i, start):
        char = text[i]
        if char == "<":
            inline = INLINE_TAG.match(text, i)
            if inline and not self.plain_text:
                if self.run is None:
                    self.run = Run("text", self._line(start + i))
                self.run.add_text(start + i, start + inline.end())
                return inline.end()
            rest = text[i + 1 : i + 4]
            if rest.startswith("!--"):
                self._end_run()
                self.state = "comment"
                return i + 4
            # `<{% if … %}a{% else %}button{% endif %} …>`: a tag whose name a template tag chooses.
            if rest[:1].isalpha() or rest[:1] in ("/", "!") or i == len(text) - 1:
                self._end_run()
                self.state, self.sub, self.tag_name, self.tag_attrs = "tag", "name", "", {}
                return i + 1
        if self.run is None:
            self.run = Run("text", self._line(start + i))
        self.run.add_text(start + i, start + i + 1)
        return i + 1

    def _comment(self, text, i, start):
        end = text.find("-->", i)
        if end == -1:
            return len(text)
        self.state = "data"
        return end + 3

    def _raw(self, text, i, start):
        match = re.compile(r"</" + self.raw_end, re.IGNORECASE).search(text, i)
        if match is None:
            return len(text)
        self.state, self.sub, self.tag_name, self.tag_attrs = "tag", "name", "", {}
        return match.start() + 1

    def _tag(self, text, i, start):
        char = text[i]
        if self.sub == "name":
            if char.isspace() or char in "/>":
                self.sub = "between"
                return i if char == ">" else i + 1
            self.tag_name += char
            return i + 1
        if self.sub == "value":
            if (self.quote and char == self.quote) or (not self.quote and (char.isspace() or char == ">")):
                self._finish_attribute()
                self.sub = "between"
                return i + 1 if self.quote else i
            self.tag_attrs[self.attr_name] = self.tag_attrs.get(self.attr_name, "") + char
            if self.attr_run is not None:
                self.attr_run.add_text(start + i, start + i + 1)
            return i + 1
        if char == ">":
            self._finish_tag()
            return i + 1
        if self.sub == "after_eq":
            if char.isspace():
                return i + 1
            self.sub = "value"
            self.quote = char if char in "\"'" else ""
            visible = self.attr_name in VISIBLE_ATTRIBUTES or self.attr_name == "value"
            self.attr_run = Run(self.attr_name, self._line(start + i)) if visible else None
            self.tag_attrs[self.attr_name] = ""
            return i + 1 if self.quote else i
        if char == "=":
            self.sub = "after_eq"
            return i + 1
        if char.isspace() or char == "/":
            self.sub = "between"
            return i + 1
        if self.sub == "between":
            self.attr_name = ""
            self.sub = "attr"
        self.attr_name += char.lower()
        self.tag_attrs.setdefault(self.attr_name, "")
        return i + 1

    def _finish_attribute(self):
        if self.attr_run is not None and self.attr_run.items:
            self.attr_run.tag_attrs = self.tag_attrs
            self.runs.append(self.attr_run)
        self.attr_run = None

    def _finish_tag(self):
        name = self.tag_name.lower()
        # `value` is read only on buttons: an input's value is data the user typed or a form posts.
        is_button = name == "input" and self.tag_attrs.get("type", "").lower() in BUTTON_TYPES
        if not is_button:
            self.runs[:] = [
                run
                for run in self.runs
                if not (run.where == "value" and getattr(run, "tag_attrs", None) is self.tag_attrs)
            ]
        self.state = "data"
        if name in ("script", "style"):
            self.state, self.raw_end = "raw", name


def untranslated(source: str, *, plain_text: bool = False) -> list[Run]:
    """The runs of visible text outside translation tags."""
    return [run for run in Scanner(source, plain_text=plain_text).scan() if run.has_words(source)]

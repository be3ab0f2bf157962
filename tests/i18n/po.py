"""A small reader of gettext catalogues (.po), enough for the catalogue tests: entries with their context, plural,
translations and flags."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str, str]:
        return (self.msgctxt, self.msgid, self.msgid_plural)


def read(path: Path) -> list[Entry]:
    """The entries of a catalogue, without its header (the entry whose msgid is empty)."""
    entries, entry, target = [], Entry(), None

    def finish():
        nonlocal entry
        if entry.msgid or entry.msgstr:
            entries.append(entry)
        entry = Entry()

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("#~"):
            entry.obsolete = True
            continue
        if not line:
            finish()
            target = None
            continue
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            keyword, rest = None, line
        if keyword == "msgctxt":
            target = ("msgctxt", None)
            entry.msgctxt = ""
        elif keyword == "msgid":
            target = ("msgid", None)
        elif keyword == "msgid_plural":
            target = ("msgid_plural", None)
        elif keyword and keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if "[" in keyword else 0
            target = ("msgstr", index)
            entry.msgstr.setdefault(index, "")
        text = ast.literal_eval(rest)
        name, index = target
        if name == "msgstr":
            entry.msgstr[index] += text
        else:
            setattr(entry, name, (getattr(entry, name) or "") + text)
    finish()
    return [entry for entry in entries if entry.msgid and not entry.obsolete]

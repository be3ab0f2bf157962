"""Every user-visible text of every template is inside a translation tag: a new page cannot ship English-only."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.i18n.template_text import untranslated

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _templates():
    return sorted(path for path in TEMPLATES.rglob("*") if path.is_file() and path.suffix in (".html", ".txt"))


@pytest.mark.parametrize("path", _templates(), ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_template_has_no_text_outside_translation_tags(path):
    source = path.read_text()
    runs = untranslated(source, plain_text=path.suffix == ".txt")
    found = [f"line {run.line} ({run.where}): {run.text(source).strip()[:80]!r}" for run in runs]
    assert not found, f"{path.relative_to(TEMPLATES)} shows text outside {{% translate %}}:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<p>Hello</p>", ["Hello"]),
        ('<input placeholder="Search partners">', ["Search partners"]),
        ('<img alt="Logo" src="x.png">', ["Logo"]),
        ('<i class="bi bi-bell" aria-label="Notifications"></i>', ["Notifications"]),
        ('<input type="submit" value="Save">', ["Save"]),
        ("<p>{{ count }} partners</p>", [" partners"]),
        ('<p>{{ region|default:"no region" }}</p>', ["no region"]),
        ("<a href=\"{% url 'x' %}\">Next</a>", ["Next"]),
        ("<p>Sign in with <strong>your</strong> address</p>", ["Sign in with <strong>your</strong> address"]),
    ],
)
def test_checker_finds_untranslated_text(source, expected):
    assert [run.text(source) for run in untranslated(source)] == expected


@pytest.mark.parametrize(
    "source",
    [
        "{% load i18n %}<p>{% translate 'Hello' %}</p>",
        "{% load i18n %}<p>{% blocktranslate %}{{ count }} partners{% endblocktranslate %}</p>",
        '<div class="card mb-3" data-testid="deals-tile" id="x"></div>',
        '<input name="q" value="{{ filters.search }}" type="search">',
        "<p>{{ partner.name }} · {{ partner.region }} — 42 %</p>",
        "<script>const label = 'not text';</script><style>.a::after { content: 'x'; }</style>",
        "<!-- a comment --><p>&nbsp;&middot;</p>{# note #}{% comment %}Notes{% endcomment %}",
        "<code>partner.created</code>",
        "{% block main_class %}container prm-entrance{% endblock %}",
        '<button name="decision" value="approve" type="submit">{{ label }}</button>',
    ],
)
def test_checker_ignores_what_nobody_reads(source):
    assert untranslated(source) == []


def test_plain_text_templates_are_read_as_text():
    assert [run.text(s) for s in ["Hello {{ name }},"] for run in untranslated(s, plain_text=True)] == ["Hello ,"]

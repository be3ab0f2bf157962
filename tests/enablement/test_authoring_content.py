"""A lesson's content on its own: Markdown rendered and sanitised, video addresses from the allowed hosts, and files
whose type is told by their content (enablement.services.markdown, video, files)."""

import pytest

from enablement.conf import setting
from enablement.services.files import validate_lesson_file
from enablement.services.markdown import render_lesson_markdown
from enablement.services.video import video_embed_url
from prm.errors import ValidationFailed
from tests.enablement.authoring_factories import PDF, PNG, mp4, office_document, plain_zip, upload

# Markdown ---------------------------------------------------------------------------------------------------------


def test_markdown_keeps_headings_emphasis_lists_tables_links_and_code():
    html = render_lesson_markdown(
        "## Objections\n\n- *Price*: show the **ROI**\n\n| Tier | Discount |\n|---|---|\n| Gold | 20% |\n\n"
        "Press <kbd>Ctrl</kbd>. See [the guide](https://docs.example/guide) or [support](mailto:help@example.com)."
    )
    assert "<h2>Objections</h2>" in html
    assert "<li><em>Price</em>: show the <strong>ROI</strong></li>" in html
    assert "<td>Gold</td>" in html and "<kbd>Ctrl</kbd>" in html
    assert '<a href="https://docs.example/guide" rel="noopener noreferrer nofollow">the guide</a>' in html
    assert 'href="mailto:help@example.com"' in html


def test_a_lesson_can_show_script_tags_as_code():
    html = render_lesson_markdown("Never paste `<script>` into a page:\n\n```html\n<script>alert(1)</script>\n```")
    assert "&lt;script&gt;" in html and "<script" not in html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(document.cookie)</script>",
        "Hello <SCRIPT src=//evil.example/x.js></SCRIPT>",
        '<img src="x.png" onerror="alert(1)">',
        '<a href="#" onclick="steal()">Click</a>',
    ],
)
def test_a_script_is_refused_with_a_message_on_the_body(text):
    with pytest.raises(ValidationFailed, match="cannot run scripts") as refused:
        render_lesson_markdown(text)
    assert refused.value.field == "body"


@pytest.mark.parametrize(
    "text",
    [
        "[Claim your prize](javascript:alert(1))",
        "[Sneaky](JaVaScRiPt:alert(1))",
        "[Encoded](jav&#x61;script:alert(1))",
        '<a href="java\tscript:alert(1)">tab</a>',
        '<a href="&#106;avascript:alert(1)">entity</a>',
        "[Old IE](vbscript:msgbox(1))",
        "![pixel](data:image/png;base64,iVBORw0KGgo=)",
        "[page](data:text/html,<script>alert(1)</script>)",
        '<img srcset="https://ok.example/a.png 1x, javascript:alert(1) 2x">',
    ],
)
def test_an_address_that_could_run_code_is_refused_naming_it(text):
    with pytest.raises(ValidationFailed, match="could run code") as refused:
        render_lesson_markdown(text)
    assert refused.value.field == "body"


def test_html_outside_the_allowed_set_is_stripped():
    html = render_lesson_markdown('<iframe src="https://x.example"></iframe><style>body{}</style><p style="x">Hi</p>')
    assert html == "<p>Hi</p>"


# Video addresses --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pasted", "embed"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("youtube.com/watch?v=dQw4w9WgXcQ&t=1m30s", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=90"),
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://m.youtube.com/shorts/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871"),
        ("https://vimeo.com/76979871/8272103f6e", "https://player.vimeo.com/video/76979871?h=8272103f6e"),
        (
            "https://player.vimeo.com/video/76979871?h=8272103f6e",
            "https://player.vimeo.com/video/76979871?h=8272103f6e",
        ),
        ("https://acme.wistia.com/medias/abcde12345", "https://fast.wistia.net/embed/iframe/abcde12345"),
        ("https://fast.wistia.net/embed/iframe/abcde12345", "https://fast.wistia.net/embed/iframe/abcde12345"),
        (
            "https://www.loom.com/share/0123456789abcdef0123456789abcdef",
            "https://www.loom.com/embed/0123456789abcdef0123456789abcdef",
        ),
    ],
)
def test_a_video_address_becomes_its_players_address(pasted, embed):
    assert video_embed_url(pasted) == embed


@pytest.mark.parametrize(
    ("pasted", "message"),
    [
        ("https://evil.example/watch?v=dQw4w9WgXcQ", "is not one of them"),
        ("https://notyoutube.com/watch?v=dQw4w9WgXcQ", "is not one of them"),
        ("https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ", "is not one of them"),
        ("javascript:alert(1)", "not a web address"),
        ("ftp://youtube.com/watch?v=dQw4w9WgXcQ", "not a web address"),
        ("https://user:pw@youtube.com/watch?v=dQw4w9WgXcQ", "not a web address"),
        ("https://www.youtube.com/feed/trending", "names no video"),
        ("https://vimeo.com/channels/staffpicks", "names no video"),
        ("", "Paste the address"),
    ],
)
def test_a_video_address_from_elsewhere_or_naming_no_video_is_refused_on_video_url(pasted, message):
    with pytest.raises(ValidationFailed, match=message) as refused:
        video_embed_url(pasted)
    assert refused.value.field == "video_url"


def test_a_vendors_own_video_host_in_the_settings_is_kept_as_written_over_https(settings):
    settings.ENABLEMENT_VIDEO_HOSTS = [*setting("ENABLEMENT_VIDEO_HOSTS"), "videos.acme.example"]
    assert video_embed_url("https://videos.acme.example/embed/42#t=3") == "https://videos.acme.example/embed/42"
    with pytest.raises(ValidationFailed, match="https://"):
        video_embed_url("http://videos.acme.example/embed/42")


# Files ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "extension"),
    [
        ("card.pdf", PDF, "pdf"),
        ("diagram.PNG", PNG, "png"),
        ("photo.jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32, "jpg"),
        ("plan.docx", office_document("word"), "docx"),
        ("prices.xlsx", office_document("xl"), "xlsx"),
        ("pitch.pptx", office_document("ppt"), "pptx"),
        ("kit.zip", plain_zip(), "zip"),
        ("demo.mp4", mp4(), "mp4"),
    ],
)
def test_allowed_files_are_told_by_their_content(name, content, extension):
    assert validate_lesson_file(upload(name, content)) == extension


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("invoice.pdf", PNG, "not what its name says"),
        ("plan.docx", plain_zip(), "not what its name says"),
        ("plan.docx", office_document("xl"), "not what its name says"),
        ("run.exe", b"MZ\x90\x00" + b"\x00" * 60, "Upload a PDF"),
        ("page.html", b"<html><script>alert(1)</script></html>", "Upload a PDF"),
        ("no-extension", PDF, "Upload a PDF"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_a_wrongly_typed_file_is_refused_on_the_file_field(name, content, message):
    with pytest.raises(ValidationFailed, match=message) as refused:
        validate_lesson_file(upload(name, content))
    assert refused.value.field == "file"


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.ENABLEMENT_FILE_MAX_BYTES = 1024 * 1024
    big = PDF + b"\x00" * (1024 * 1024)
    with pytest.raises(ValidationFailed, match="larger than 1 MB") as refused:
        validate_lesson_file(upload("huge.pdf", big))
    assert refused.value.field == "file"

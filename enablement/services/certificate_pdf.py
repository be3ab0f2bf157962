"""The PDF certificate of an award (fpdf2: pure Python, so it renders on a laptop with only Python): the program's
name and colour, the holder, the certification, the dates, and the verification link with its QR code.

Text is set in DejaVu Sans when the system has it (every script a name may use); otherwise in the PDF core font
Helvetica, which covers Latin-1 only, so other characters are approximated ("Łukasz" → "Lukasz") rather than lost.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import qrcode
from django.utils import formats
from django.utils.translation import gettext as _
from fpdf import FPDF

from enablement.conf import setting
from enablement.models import CertificationAward

FONT_CANDIDATES = [
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
    ("/Library/Fonts/DejaVuSans.ttf", "/Library/Fonts/DejaVuSans-Bold.ttf"),
]


def _font_files() -> tuple[str, str] | None:
    configured = setting("ENABLEMENT_CERTIFICATE_FONTS")
    for regular, bold in ([tuple(configured)] if configured else []) + FONT_CANDIDATES:
        if Path(regular).is_file() and Path(bold).is_file():
            return regular, bold
    return None


# Letters with no decomposition to a base letter (NFKD leaves them whole).
_PLAIN = {"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "Œ": "OE", "œ": "oe", "ŋ": "n"}


def _latin1(text: str) -> str:
    """Text the core fonts can show: Latin-1 as is, anything else by its unaccented form, else '?'."""
    out = []
    for char in text:
        if ord(char) < 256:
            out.append(char)
            continue
        plain = _PLAIN.get(char) or unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
        out.append(plain or "?")
    return "".join(out)


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = (colour or "#0d6efd").lstrip("#")
    try:
        return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)
    except ValueError:
        return 13, 110, 253


def _qr_png(url: str) -> io.BytesIO:
    image = qrcode.make(url, box_size=8, border=1)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


def _day(value) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def certificate_pdf(award: CertificationAward, *, verification_url: str, issuer) -> bytes:
    """The certificate as PDF bytes, in the language active for the request."""
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(_("Certificate: %(certification)s") % {"certification": award.certification.name})
    pdf.set_author(issuer.display_name)
    pdf.set_creator("PRM")
    fonts = _font_files()
    if fonts:
        pdf.add_font("Cert", "", fonts[0])
        pdf.add_font("Cert", "B", fonts[1])
        family, clean = "Cert", str
    else:
        family, clean = "Helvetica", _latin1
    pdf.add_page()
    brand = _rgb(issuer.primary_colour)
    width, height = pdf.w, pdf.h

    pdf.set_draw_color(*brand)
    pdf.set_line_width(2.5)
    pdf.rect(8, 8, width - 16, height - 16)
    pdf.set_line_width(0.4)
    pdf.rect(12, 12, width - 24, height - 24)

    def line(text, size, *, bold=False, colour=(33, 37, 41), gap=4):
        pdf.set_font(family, "B" if bold else "", size)
        pdf.set_text_color(*colour)
        pdf.set_x(20)
        pdf.multi_cell(width - 40, size * 0.45, clean(text), align="C")
        pdf.ln(gap)

    pdf.set_y(28)
    line(issuer.display_name.upper(), 12, bold=True, colour=brand, gap=8)
    line(_("Certificate"), 34, bold=True, gap=8)
    line(_("This certifies that"), 13, colour=(90, 90, 90))
    line(award.recipient_name, 28, bold=True, gap=6)
    line(_("has earned the certification"), 13, colour=(90, 90, 90))
    line(award.certification.name, 20, bold=True, colour=brand, gap=8)
    if award.expires_at is not None:
        dates = _("Awarded on %(awarded)s · valid until %(expires)s") % {
            "awarded": _day(award.awarded_at),
            "expires": _day(award.expires_at),
        }
    else:
        dates = _("Awarded on %(awarded)s · does not expire") % {"awarded": _day(award.awarded_at)}
    line(dates, 12)

    qr_size = 32
    pdf.image(_qr_png(verification_url), x=width - 20 - qr_size, y=height - 20 - qr_size, w=qr_size, h=qr_size)
    pdf.set_font(family, "", 9)
    pdf.set_text_color(90, 90, 90)
    pdf.set_xy(20, height - 20 - 14)
    pdf.multi_cell(
        width - 60 - qr_size,
        4.5,
        clean(_("Check that this certificate is genuine and still valid at:")) + "\n" + verification_url,
        link=verification_url,
    )
    return bytes(pdf.output())

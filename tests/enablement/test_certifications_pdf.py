"""The PDF certificate renders with or without a Unicode font on the machine (enablement.services.certificate_pdf)."""

import pytest

from enablement.services import certificate_pdf
from enablement.services.credentials import verification_url
from prm.tenancy import tenant_context
from tests.enablement.certifications_support import certify, program

pytestmark = pytest.mark.django_db


def test_names_outside_latin_1_are_approximated_for_the_core_font():
    assert certificate_pdf._latin1("Łukasz Żółć") == "Lukasz Zólc"
    assert certificate_pdf._latin1("Zoë Müller") == "Zoë Müller"
    assert certificate_pdf._latin1("李") == "?"


@pytest.mark.parametrize("fonts", ["system", "none"])
def test_the_certificate_renders_a_pdf_with_any_name(monkeypatch, fonts):
    if fonts == "none":
        monkeypatch.setattr(certificate_pdf, "FONT_CANDIDATES", [])
    p = program()
    award = certify(p)
    award.recipient_name = "Łukasz Żółć-Brzęczyszczykiewicz"
    with tenant_context(p.tenant):
        pdf = certificate_pdf.certificate_pdf(award, verification_url=verification_url(award), issuer=p.tenant)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF") and len(pdf) > 2_000

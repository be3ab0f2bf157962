"""Delivering package files: only with a valid content token of the program, sandboxed and under a strict CSP,
with the runtime bridge in the package's pages, from a separate origin when CONTENT_ORIGIN is set; authors preview,
nobody else."""

import json
import re
from html import unescape

import pytest
from django.urls import reverse

from enablement.models import ScormSco
from enablement.scorm import tokens
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.enablement.factories import EnrollmentFactory
from tests.enablement.scorm_factories import scorm12_files, scorm2004_files, scorm_lesson, use_private_storage
from tests.factories import PartnerOrganizationFactory, PartnerUserFactory, StaffFactory, TenantFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


@pytest.fixture
def private_storage(settings, tmp_path):
    return use_private_storage(settings, tmp_path)


@pytest.fixture
def lesson(tenant):
    return scorm_lesson(tenant, scorm2004_files(), title="Threat defence")


@pytest.fixture
def enrollment(tenant, partner_admin, lesson):
    return EnrollmentFactory(tenant=tenant, course=lesson.module.version.course, membership=partner_admin)


def player(client, tenant, enrollment, lesson, **query):
    url = reverse("scorm_player", args=[tenant.slug, enrollment.pk, lesson.pk])
    response = client.get(url, query)
    assert response.status_code == 200
    return response


def frame_src(response) -> str:
    return unescape(re.search(r'<iframe id="scorm-frame"[^>]*data-src="([^"]+)"', response.content.decode()).group(1))


def sandbox_of(response) -> str:
    return re.search(r'sandbox="([^"]*)"', response.content.decode()).group(1)


def bridge_seed(body: str) -> dict:
    return json.loads(unescape(re.search(r'data-seed="([^"]*)"', body).group(1)))


def test_package_page_is_served_sandboxed_with_a_strict_csp_and_the_bridge(
    client, tenant, partner_admin, enrollment, lesson
):
    login(client, partner_admin)
    page = player(client, tenant, enrollment, lesson)
    src = frame_src(page)
    assert src.startswith(f"/t/{tenant.slug}/scorm/content/") and src.endswith(
        "/content/intro/index.html?lang=en&chapter=1"
    )
    # Same origin (no CONTENT_ORIGIN): the frame gets no allow-same-origin, so the package runs with an opaque origin.
    assert "allow-scripts" in sandbox_of(page) and "allow-same-origin" not in sandbox_of(page)

    client.logout()  # the content is reached by its token, never by a session
    response = client.get(src, HTTP_SEC_FETCH_DEST="iframe")

    assert response.status_code == 200 and response["Content-Type"] == "text/html"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "object-src 'self'" in csp and "base-uri 'self'" in csp
    assert "frame-ancestors 'self' http://testserver" in csp
    assert "sandbox allow-scripts" in csp and "allow-same-origin" not in csp
    assert response["X-Content-Type-Options"] == "nosniff" and response["Referrer-Policy"] == "no-referrer"
    assert "X-Frame-Options" not in response
    body = response.content.decode()
    head = body.index("<head>") + len("<head>")
    assert body[head:].startswith('<script src="/static/vendor/scorm-again/cross-frame-api.min.js"></script>')
    assert 'src="/static/enablement/scorm/sco-bridge.js" data-version="2004" data-origin="http://testserver"' in body
    assert body.index("sco-bridge.js") < body.index("../shared/api.js")  # before the package looks for the API


def test_bridge_starts_from_the_stored_cmi_data(client, tenant, partner_admin, enrollment, lesson):
    login(client, partner_admin)
    config = player(client, tenant, enrollment, lesson).context["config"]
    client.post(
        config["commitUrl"],
        json.dumps({"cmi": {"suspend_data": "slide=4", "location": "4", "exit": "suspend"}}),
        content_type="application/json",
    )
    src = frame_src(player(client, tenant, enrollment, lesson))
    seed = bridge_seed(client.get(src, HTTP_SEC_FETCH_DEST="iframe").content.decode())
    assert seed["cmi.suspend_data"] == "slide=4" and seed["cmi.location"] == "4" and seed["cmi.entry"] == "resume"
    assert seed["cmi.interactions._count"] == "0"


def test_files_fetched_by_script_and_other_types_are_served_as_they_are(
    client, tenant, partner_admin, enrollment, lesson
):
    login(client, partner_admin)
    base = frame_src(player(client, tenant, enrollment, lesson)).split("/content/intro/")[0]
    # A page fetched by script (a template), not opened as a document, gets no bridge.
    template = client.get(f"{base}/content/glossary.html", HTTP_SEC_FETCH_DEST="empty")
    assert b"sco-bridge" not in b"".join(template.streaming_content)
    script = client.get(f"{base}/content/shared/api.js")
    assert script["Content-Type"] == "text/javascript" and "Content-Security-Policy" in script
    # The shared folder (a <dependency>) is reachable from any item; media can seek.
    clip = client.get(f"{base}/content/media/clip.mp4", HTTP_RANGE="bytes=100-199")
    assert clip.status_code == 206 and clip["Content-Range"] == "bytes 100-199/10240"
    assert b"".join(clip.streaming_content) == (bytes(range(256)) * 40)[100:200]
    assert client.get(f"{base}/content/media/clip.mp4", HTTP_RANGE="bytes=99999-").status_code == 416


@pytest.mark.parametrize("path", ["../../../etc/passwd", "content/%2e%2e/%2e%2e/imsmanifest.xml", "nope.html"])
def test_paths_outside_the_package_or_missing_are_not_found(client, tenant, partner_admin, enrollment, lesson, path):
    login(client, partner_admin)
    base = frame_src(player(client, tenant, enrollment, lesson)).split("/content/intro/")[0]
    assert client.get(f"{base}/{path}").status_code == 404


def test_tampered_expired_or_foreign_tokens_are_not_found(client, tenant, partner_admin, enrollment, lesson, settings):
    login(client, partner_admin)
    src = frame_src(player(client, tenant, enrollment, lesson))
    token = src.split("/scorm/content/")[1].split("/")[0]
    assert client.get(src.replace(token, token[:-2] + "xx")).status_code == 404
    # The same token under another program's address.
    TenantFactory(slug="globex")
    assert client.get(src.replace(f"/t/{tenant.slug}/", "/t/globex/")).status_code == 404
    # A commit token is no content token.
    grant = tokens.CommitGrant(tenant=tenant.pk, enrollment=enrollment.pk, lesson=lesson.pk, sco=1, user=1)
    assert client.get(src.replace(token, tokens.commit_token(grant))).status_code == 404
    settings.ENABLEMENT_SCORM_TOKEN_SECONDS = -1
    assert client.get(src).status_code == 404


def test_another_tenants_token_cannot_read_this_tenants_package(client, tenant, lesson):
    other = TenantFactory(slug="globex")
    with tenant_context(tenant):
        sco = ScormSco.objects.filter(package=lesson.scorm_package).first()
    # A token signed for tenant B naming tenant A's package: B's address finds no such package.
    grant = tokens.ContentGrant(
        tenant=other.pk, package=lesson.scorm_package_id, sco=sco.pk, enrollment=0, user=1, origin="http://x"
    )
    url = reverse(
        "scorm_content",
        kwargs={"tenant_slug": "globex", "content_token": tokens.content_token(grant), "file_path": "imsmanifest.xml"},
    )
    assert client.get(url).status_code == 404


def test_with_a_content_origin_packages_run_on_that_origin_only(
    client, tenant, partner_admin, enrollment, lesson, settings
):
    settings.CONTENT_ORIGIN = "https://content.prm-cdn.example"
    login(client, partner_admin)
    page = player(client, tenant, enrollment, lesson)
    src = frame_src(page)
    assert src.startswith(f"https://content.prm-cdn.example/t/{tenant.slug}/scorm/content/")
    assert (
        "allow-same-origin" in sandbox_of(page) and page.context["config"]["contentOrigin"] == settings.CONTENT_ORIGIN
    )
    path = src.removeprefix("https://content.prm-cdn.example")
    on_content_origin = client.get(path, HTTP_HOST="content.prm-cdn.example", HTTP_SEC_FETCH_DEST="iframe")
    assert on_content_origin.status_code == 200
    assert "allow-same-origin" in on_content_origin["Content-Security-Policy"]
    # Never on the site's own origin, where the session cookie lives.
    assert client.get(path, HTTP_SEC_FETCH_DEST="iframe").status_code == 404


def test_player_is_not_found_for_other_organizations_other_tenants_and_staff(client, tenant, enrollment, lesson):
    url = reverse("scorm_player", args=[tenant.slug, enrollment.pk, lesson.pk])
    other_tenant = TenantFactory(slug="globex")
    people = [
        PartnerUserFactory(tenant=tenant, partner_organization=PartnerOrganizationFactory(tenant=tenant)),
        PartnerUserFactory(tenant=tenant, partner_organization=enrollment.partner_organization),
        StaffFactory(tenant=tenant),
        PartnerUserFactory(tenant=other_tenant, partner_organization=PartnerOrganizationFactory(tenant=other_tenant)),
    ]
    for person in people:
        login(client, person)
        assert client.get(url).status_code == 404, person.role


def test_author_previews_without_recording_and_partners_cannot(client, tenant, tenant_admin, partner_admin, lesson):
    url = reverse("scorm_preview", args=[tenant.slug, lesson.scorm_package_id])
    login(client, tenant_admin)
    page = client.get(url)
    assert page.status_code == 200 and page.context["config"]["commitUrl"] is None
    assert client.get(frame_src(page), HTTP_SEC_FETCH_DEST="iframe").status_code == 200
    login(client, partner_admin)
    assert client.get(url).status_code == 404


def test_single_item_package_plays_without_a_table_of_contents(client, tenant, partner_admin):
    lesson = scorm_lesson(tenant, scorm12_files())
    enrollment = EnrollmentFactory(tenant=tenant, course=lesson.module.version.course, membership=partner_admin)
    login(client, partner_admin)
    page = player(client, tenant, enrollment, lesson)
    assert 'data-testid="scorm-toc"' not in page.content.decode()
    assert frame_src(page).endswith("/index.html")

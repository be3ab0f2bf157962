"""Importing SCORM packages: what real packages do is read right, and hostile or broken zips are refused with a
clear message naming the field, leaving no row and no file."""

import os
import subprocess
import sys
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from enablement.models import Lesson, LessonKind, ScormPackage, ScormSco
from enablement.services.scorm_import import scorm_course_import, scorm_package_import
from prm.errors import PermissionDenied, ValidationFailed
from prm.policy import ProgramActor
from prm.tenancy import tenant_context
from tests.conftest import login
from tests.enablement.scorm_factories import (
    MANIFEST_12,
    PAGE_12,
    bomb_zip,
    draft_module,
    scorm12_files,
    scorm2004_files,
    stored_files,
    upload,
    use_private_storage,
    zip_bytes,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


@pytest.fixture
def private_storage(settings, tmp_path):
    return use_private_storage(settings, tmp_path)


def import_as_program(tenant, data, **kwargs):
    with tenant_context(tenant):
        return scorm_package_import(actor=ProgramActor(tenant.pk), upload=upload(data), **kwargs)


def assert_refused(tenant, data, field, *words, root=None):
    with pytest.raises(ValidationFailed) as refused:
        import_as_program(tenant, data)
    assert refused.value.field == field
    for word in words:
        assert word in refused.value.message, refused.value.message
    with tenant_context(tenant):
        assert ScormPackage.objects.count() == 0 and ScormSco.objects.count() == 0
    if root is not None:
        assert stored_files(root) == []
    return refused.value.message


def test_scorm12_single_sco_package_is_stored_privately_with_its_item(tenant, private_storage):
    module = draft_module(tenant)
    data = zip_bytes(scorm12_files())

    result = import_as_program(tenant, data, module=module)

    package = result.package
    assert (package.title, package.scorm_version, package.schema_version) == ("Firewall basics", "1.2", "1.2")
    assert package.file_count == 2 and package.size_bytes == len(MANIFEST_12) + len(PAGE_12)
    assert len(package.sha256) == 64
    with tenant_context(tenant):
        [sco] = ScormSco.objects.filter(package=package)
        lesson = Lesson.objects.get(pk=result.lesson.pk)
    assert (sco.identifier, sco.launch_path, str(sco.mastery_score)) == ("item-1", "index.html", "80.00")
    assert sco.sequencing == {"scorm_type": "sco", "visible": True, "mastery_score": "80"}
    assert (lesson.kind, lesson.scorm_package_id, lesson.module_id) == (LessonKind.SCORM, package.pk, module.pk)
    prefix = f"enablement/scorm/{tenant.pk}/{package.storage_key}"
    assert stored_files(private_storage) == [f"{prefix}/imsmanifest.xml", f"{prefix}/index.html"]
    # Private: nothing under the static tree or a public media URL, only the storage the authorized views read.
    assert not (private_storage / prefix / "index.html").read_text().startswith("<script")


def test_scorm2004_multi_sco_package_applies_xml_base_parameters_dependencies_and_sequencing(tenant):
    result = import_as_program(tenant, zip_bytes(scorm2004_files()))

    package = result.package
    assert (package.scorm_version, package.schema_version) == ("2004", "2004 4th Edition")
    assert package.title == "Threat defence"
    with tenant_context(tenant):
        scos = list(ScormSco.objects.filter(package=package).order_by("position"))
    # xml:base of <resources> and <resource> applied; the href's query string and the item's parameters joined.
    assert [(s.identifier, s.launch_path, s.parent_identifier) for s in scos] == [
        ("sco-intro", "content/intro/index.html?lang=en&chapter=1", "module-1"),
        ("sco-quiz", "content/quiz/index.html", "module-1"),
        ("glossary", "content/glossary.html", ""),
    ]
    intro, quiz, glossary = (s.sequencing for s in scos)
    assert intro["score_weight"] == "0"  # from the sequencingCollection the item's IDRef names
    assert quiz["mastery_score"] == "0.8" and str(scos[1].mastery_score) == "0.80"
    assert glossary == {"scorm_type": "asset", "visible": True, "tracked": False}
    manifest = package.manifest
    assert manifest["control"] == {"choice": True, "flow": True, "forward_only": False}
    assert [i["identifier"] for i in manifest["toc"]] == ["module-1", "glossary"]
    assert [i["identifier"] for i in manifest["toc"][0]["children"]] == ["sco-intro", "sco-quiz"]
    assert manifest["resources"]["res-intro"]["dependencies"] == ["res-shared"]
    assert manifest["metadata"] == ["metadata/course.xml"]
    assert package.file_count == 7


def test_manifest_without_schemaversion_is_read_by_its_namespaces(tenant):
    files = scorm2004_files()
    files["imsmanifest.xml"] = files["imsmanifest.xml"].replace("<schemaversion>2004 4th Edition</schemaversion>", "")
    assert import_as_program(tenant, zip_bytes(files)).package.scorm_version == "2004"
    files = scorm12_files()
    files["imsmanifest.xml"] = files["imsmanifest.xml"].replace("<schemaversion>1.2</schemaversion>", "")
    assert import_as_program(tenant, zip_bytes(files)).package.scorm_version == "1.2"


def test_windows_style_folder_separators_are_read_as_folders(tenant):
    files = {"imsmanifest.xml": MANIFEST_12.replace('href="index.html"', 'href="sco/index.html"')}
    files["sco\\index.html"] = PAGE_12
    result = import_as_program(tenant, zip_bytes(files))
    with tenant_context(tenant):
        assert ScormSco.objects.get(package=result.package).launch_path == "sco/index.html"


# Refusals: the field is named, nothing is stored ------------------------------------------------------------------


def test_zip_slip_path_is_refused_and_nothing_is_stored(tenant, private_storage):
    files = {**scorm12_files(), "../../evil.html": "<script>steal()</script>"}
    message = assert_refused(tenant, zip_bytes(files), "package", "../../evil.html", root=private_storage)
    assert "leaves the package" in message


def test_windows_zip_slip_path_is_refused(tenant, private_storage):
    files = {**scorm12_files(), "sco\\..\\..\\evil.html": "x"}
    assert_refused(tenant, zip_bytes(files), "package", "leaves the package", root=private_storage)


@pytest.mark.parametrize("name", ["/etc/cron.d/evil", "C:/Windows/evil.dll"])
def test_absolute_path_is_refused(tenant, private_storage, name):
    files = {**scorm12_files(), name: "x"}
    assert_refused(tenant, zip_bytes(files), "package", "absolute path", root=private_storage)


def test_symbolic_link_is_refused(tenant, private_storage):
    data = zip_bytes(scorm12_files(), symlinks={"secrets.txt": "/etc/passwd"})
    assert_refused(tenant, data, "package", "symbolic link", "secrets.txt", root=private_storage)


def test_one_gigabyte_bomb_is_refused_before_anything_is_written(tenant, private_storage):
    data = bomb_zip(1.0)
    assert len(data) < 5 * 1024 * 1024  # what is uploaded is small; what it unpacks to is not
    assert_refused(tenant, data, "package", "more than 500 MB", root=private_storage)


def test_file_compressed_far_beyond_the_ratio_limit_is_refused(tenant, private_storage):
    assert_refused(tenant, bomb_zip(0.05), "package", "video.bin", "zip bomb", root=private_storage)


def test_too_many_files_are_refused(tenant, private_storage, settings):
    settings.ENABLEMENT_SCORM_MAX_FILES = 5
    files = {**scorm12_files(), **{f"img/{n}.png": b"png" for n in range(5)}}
    assert_refused(tenant, zip_bytes(files), "package", "more than 5 files", root=private_storage)


def test_zip_without_manifest_is_refused(tenant, private_storage):
    assert_refused(tenant, zip_bytes({"index.html": PAGE_12}), "package", "no imsmanifest.xml", root=private_storage)


def test_manifest_only_in_a_sub_folder_gets_its_own_message(tenant, private_storage):
    files = {f"Firewall basics/{name}": content for name, content in scorm12_files().items()}
    message = assert_refused(tenant, zip_bytes(files), "package", "“Firewall basics/”", root=private_storage)
    assert "not at the root" in message


def test_file_that_is_not_a_zip_is_refused(tenant, private_storage):
    assert_refused(tenant, b"%PDF-1.7 not a zip", "package", "must be a zip", root=private_storage)


def test_manifest_with_an_entity_expansion_is_refused(tenant, private_storage):
    manifest = '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa">]><manifest>&a;</manifest>'
    files = {**scorm12_files(), "imsmanifest.xml": manifest}
    assert_refused(tenant, zip_bytes(files), "package", "imsmanifest.xml", root=private_storage)


def test_item_launching_a_file_missing_from_the_package_is_refused(tenant, private_storage):
    files = {"imsmanifest.xml": MANIFEST_12}
    assert_refused(
        tenant, zip_bytes(files), "package", "“index.html”, which is not in the package", root=private_storage
    )


def test_launch_outside_the_package_by_xml_base_is_refused(tenant, private_storage):
    manifest = MANIFEST_12.replace("<resources>", '<resources xml:base="../../">')
    files = {**scorm12_files(), "imsmanifest.xml": manifest}
    assert_refused(tenant, zip_bytes(files), "package", "outside the package", root=private_storage)


def test_launch_of_an_outside_address_is_refused(tenant, private_storage):
    manifest = MANIFEST_12.replace('href="index.html">', 'href="https://evil.example/sco.html">')
    files = {**scorm12_files(), "imsmanifest.xml": manifest}
    assert_refused(tenant, zip_bytes(files), "package", "outside the package", root=private_storage)


def test_a_failure_while_unpacking_removes_the_files_already_written(tenant, private_storage, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    real_save = FileSystemStorage.save
    calls = []

    def save_then_fail(storage, name, content, *args, **kwargs):
        calls.append(name)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_save(storage, name, content, *args, **kwargs)

    monkeypatch.setattr(FileSystemStorage, "save", save_then_fail)
    with pytest.raises(ValidationFailed):
        import_as_program(tenant, zip_bytes(scorm12_files()))
    assert len(calls) == 2 and stored_files(private_storage) == []


def test_module_of_a_published_version_is_refused(tenant, private_storage):
    from tests.enablement.factories import CourseFactory, first_module

    module = first_module(CourseFactory(tenant=tenant))
    with pytest.raises(ValidationFailed) as refused:
        import_as_program(tenant, zip_bytes(scorm12_files()), module=module)
    assert refused.value.field == "module"
    assert stored_files(private_storage) == []


def test_partner_may_not_import(tenant, partner_admin):
    with tenant_context(tenant), pytest.raises(PermissionDenied):
        scorm_package_import(actor=partner_admin, upload=upload(zip_bytes(scorm12_files())))


def test_course_import_creates_a_draft_course_with_one_module_and_the_lesson(tenant):
    with tenant_context(tenant):
        result = scorm_course_import(
            actor=ProgramActor(tenant.pk), upload=upload(zip_bytes(scorm12_files())), course_title="Firewall 101"
        )
        version = result.lesson.module.version
        assert (version.course.title, version.status, version.modules.count()) == ("Firewall 101", "draft", 1)
        assert list(Lesson.objects.filter(module__version=version).values_list("kind", flat=True)) == ["scorm"]


# The authoring page ---------------------------------------------------------------------------------------------


def test_author_imports_a_package_into_a_draft_module_from_the_page(client, tenant, tenant_admin):
    module = draft_module(tenant)
    login(client, tenant_admin)
    url = reverse("scorm_upload", args=[tenant.slug])
    assert "Firewall essentials" in client.get(url).content.decode()

    response = client.post(
        url, {"package": upload(zip_bytes(scorm2004_files())), "module": module.pk, "title": "Threats 101"}
    )

    with tenant_context(tenant):
        package = ScormPackage.objects.get()
        lesson = Lesson.objects.get(module=module)
    assert response.status_code == 302 and response.url == reverse("scorm_preview", args=[tenant.slug, package.pk])
    assert (lesson.title, lesson.kind, lesson.scorm_package_id) == ("Threats 101", "scorm", package.pk)
    page = client.get(response.url).content.decode()
    assert "Introduction" in page and "Check your knowledge" in page and "Nothing is recorded" in page


def test_refused_package_on_the_page_names_the_field_and_stores_nothing(client, tenant, tenant_admin, private_storage):
    module = draft_module(tenant)
    login(client, tenant_admin)

    files = {**scorm12_files(), "../evil.html": "x"}
    response = client.post(
        reverse("scorm_upload", args=[tenant.slug]), {"package": upload(zip_bytes(files)), "module": module.pk}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["package"] == [
        "The package contains a path that leaves the package's folder (“../evil.html”): refused."
    ]
    assert 'id="id_package-error"' in response.content.decode()
    assert package_rows(tenant) == 0 and stored_files(private_storage) == []


def package_rows(tenant) -> int:
    with tenant_context(tenant):
        return ScormPackage.objects.count() + Lesson.objects.filter(kind="scorm").count()


def test_import_page_is_not_found_for_partners(client, tenant, partner_admin):
    login(client, partner_admin)
    assert client.get(reverse("scorm_upload", args=[tenant.slug])).status_code == 404


# The API --------------------------------------------------------------------------------------------------------


def test_api_multipart_upload_imports_the_package_into_a_module(tenant, admin_key):
    from tests.api.conftest import key_client

    module = draft_module(tenant)
    api = key_client(admin_key[1])
    response = api.post(
        "/api/v1/scorm-packages/",
        {"package": upload(zip_bytes(scorm12_files())), "module": module.pk},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["package"]["scorm_version"] == "1.2"
    assert [i["identifier"] for i in body["package"]["items"]] == ["item-1"]
    with tenant_context(tenant):
        assert Lesson.objects.get(pk=body["lesson"]).module_id == module.pk
    listed = api.get("/api/v1/scorm-packages/").json()
    assert [p["id"] for p in listed["results"]] == [body["package"]["id"]]


def test_api_refused_package_is_a_problem_naming_the_field_with_nothing_stored(tenant, admin_key, private_storage):
    from tests.api.conftest import key_client

    api = key_client(admin_key[1])
    files = {**scorm12_files(), "/abs/evil.html": "x"}
    response = api.post("/api/v1/scorm-packages/", {"package": upload(zip_bytes(files))}, format="multipart")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    [error] = response.json()["errors"]
    assert error == {
        "field": "package",
        "message": "The package contains an absolute path (“/abs/evil.html”): every file must be inside the package.",
    }
    assert package_rows(tenant) == 0 and stored_files(private_storage) == []


def test_api_json_body_is_refused_as_unsupported(tenant, admin_key):
    from tests.api.conftest import key_client

    response = key_client(admin_key[1]).post("/api/v1/scorm-packages/", {"title": "x"}, format="json")
    assert response.status_code == 415


# The management command -----------------------------------------------------------------------------------------


def test_command_imports_into_a_new_course_and_prints_the_lesson_url(tenant, tmp_path, capsys):
    path = tmp_path / "firewall.zip"
    path.write_bytes(zip_bytes(scorm12_files()))
    call_command("import_scorm", tenant.slug, str(path), "--course", "Firewall 101")
    out = capsys.readouterr().out
    with tenant_context(tenant):
        lesson = Lesson.objects.get(kind="scorm")
    assert out.startswith(f"Lesson {lesson.pk} “Firewall basics” (1 item(s)): http")
    assert out.strip().endswith(reverse("scorm_preview", args=[tenant.slug, lesson.scorm_package_id]))


def test_command_refusal_exits_non_zero_with_one_line(tenant, tmp_path, private_storage):
    root = private_storage / "enablement"
    path = tmp_path / "upload" / "evil.zip"
    path.parent.mkdir()
    path.write_bytes(zip_bytes({**scorm12_files(), "../evil.html": "x"}))
    with pytest.raises(CommandError) as refused:
        call_command("import_scorm", tenant.slug, str(path))
    assert str(refused.value) == (
        "evil.zip refused (package): The package contains a path that leaves the package's folder (“../evil.html”): "
        "refused."
    )
    assert "\n" not in str(refused.value)
    assert package_rows(tenant) == 0 and not root.exists()
    # As a process: status 1 and that one line on stderr (Django prints "CommandError: …").
    from django.db import connection

    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "prm.settings.test",
        "DATABASE_URL": (
            f"postgres://{quote(db['USER'])}:{quote(db['PASSWORD'] or '')}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "import_scorm", "no-such-program", str(path)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == ["CommandError: There is no active program 'no-such-program'."]


def test_import_page_and_api_list_run_the_same_queries_whatever_the_number_of_packages(
    client, tenant, tenant_admin, admin_key
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.api.conftest import key_client

    api = key_client(admin_key[1])
    draft_module(tenant)
    login(client, tenant_admin)
    page, listing = reverse("scorm_upload", args=[tenant.slug]), "/api/v1/scorm-packages/"

    def counts():
        found = []
        for get in (lambda: client.get(page), lambda: api.get(listing)):
            with CaptureQueriesContext(connection) as captured:
                assert get().status_code == 200
            found.append(len(captured))
        return found

    import_as_program(tenant, zip_bytes(scorm2004_files()))
    api.get(listing)  # the key's first use records its last-used time: not part of the count
    with_one = counts()
    for _ in range(3):
        import_as_program(tenant, zip_bytes(scorm12_files()))
    assert counts() == with_one

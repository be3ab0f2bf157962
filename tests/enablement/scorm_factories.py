"""SCORM packages built in memory by the tests (never downloaded): tiny manifests and HTML pages that call the
runtime the way authoring tools' pages do, and hostile zips (zip-slip, absolute paths, symbolic links, bombs)."""

import io
import stat
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from enablement.models import CourseModule, CourseVersion, CourseVersionStatus, Lesson, ScormPackage
from enablement.services.scorm_import import scorm_package_import
from prm.policy import ProgramActor
from prm.tenancy import tenant_context
from tests.enablement.factories import CourseFactory

# A SCORM 1.2 page: finds the API in its own window or its parents (as every authoring tool's wrapper does),
# resumes from its suspend data, and completes with a score when its button is pressed.
PAGE_12 = """<!doctype html>
<html><head><meta charset="utf-8"><title>Firewall basics</title>
<script>
function findAPI(win) {
  for (var i = 0; win && i < 10; i++) { if (win.API) return win.API; if (win === win.parent) break; win = win.parent; }
  return null;
}
var api = null;
function start() {
  api = findAPI(window);
  if (!api) { document.getElementById("state").textContent = "no API"; return; }
  api.LMSInitialize("");
  var resumed = api.LMSGetValue("cmi.suspend_data");
  document.getElementById("state").textContent = resumed ? "resumed: " + resumed : "started";
  api.LMSSetValue("cmi.core.lesson_status", "incomplete");
  api.LMSSetValue("cmi.suspend_data", "page=2");
  api.LMSCommit("");
}
function finish() {
  api.LMSSetValue("cmi.core.score.raw", "90");
  api.LMSSetValue("cmi.core.lesson_status", "passed");
  api.LMSSetValue("cmi.core.session_time", "00:02:30");
  api.LMSCommit("");
  api.LMSFinish("");
  document.getElementById("state").textContent = "finished";
}
</script></head>
<body onload="start()"><h1>Firewall basics</h1><p id="state">loading</p>
<button id="finish" onclick="finish()">Finish the lesson</button></body></html>
"""

MANIFEST_12 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="firewall-basics" version="1.0"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>Firewall basics</title>
      <item identifier="item-1" identifierref="res-1">
        <title>Firewall basics</title>
        <adlcp:masteryscore>80</adlcp:masteryscore>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res-1" type="webcontent" adlcp:scormtype="sco" href="index.html">
      <file href="index.html"/>
    </resource>
  </resources>
</manifest>
"""

PAGE_2004 = """<!doctype html>
<html><head><meta charset="utf-8"><title>{title}</title><script src="../shared/api.js"></script></head>
<body onload="start()"><h1>{title}</h1><p id="state">loading</p><p id="query"></p>
<button id="finish" onclick="finish()">Finish</button></body></html>
"""
# The shared script several SCOs use (a shared resource folder, referenced through <dependency>).
SHARED_2004 = """
function findAPI(win) {
  for (var i = 0; win && i < 10; i++) {
    if (win.API_1484_11) return win.API_1484_11;
    if (win === win.parent) break;
    win = win.parent;
  }
  return null;
}
var api = null;
function start() {
  api = findAPI(window);
  document.getElementById("query").textContent = window.location.search;
  if (!api) { document.getElementById("state").textContent = "no API"; return; }
  api.Initialize("");
  api.SetValue("cmi.completion_status", "incomplete");
  api.SetValue("cmi.location", "intro");
  api.Commit("");
  document.getElementById("state").textContent = "started " + api.GetValue("cmi.entry");
}
function finish() {
  api.SetValue("cmi.score.scaled", "0.9");
  api.SetValue("cmi.success_status", "passed");
  api.SetValue("cmi.completion_status", "completed");
  api.SetValue("cmi.session_time", "PT1M30S");
  api.SetValue("adl.nav.request", "continue");
  api.Commit("");
  api.Terminate("");
  document.getElementById("state").textContent = "finished";
}
"""

MANIFEST_2004 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="threat-defence" version="1"
  xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
  xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"
  xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata>
    <schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion>
    <adlcp:location>metadata/course.xml</adlcp:location>
  </metadata>
  <organizations default="org">
    <organization identifier="org" adlseq:objectivesGlobalToSystem="false">
      <title>Threat defence</title>
      <item identifier="module-1">
        <title>Module 1: Threats</title>
        <item identifier="sco-intro" identifierref="res-intro" parameters="?chapter=1">
          <title>Introduction</title>
          <imsss:sequencing IDRef="common"/>
        </item>
        <item identifier="sco-quiz" identifierref="res-quiz">
          <title>Check your knowledge</title>
          <imsss:sequencing>
            <imsss:objectives>
              <imsss:primaryObjective objectiveID="pass" satisfiedByMeasure="true">
                <imsss:minNormalizedMeasure>0.8</imsss:minNormalizedMeasure>
              </imsss:primaryObjective>
            </imsss:objectives>
          </imsss:sequencing>
        </item>
      </item>
      <item identifier="glossary" identifierref="res-glossary">
        <title>Glossary</title>
        <imsss:sequencing>
          <imsss:deliveryControls tracked="false"/>
        </imsss:sequencing>
      </item>
      <imsss:sequencing><imsss:controlMode choice="true" flow="true"/></imsss:sequencing>
    </organization>
  </organizations>
  <resources xml:base="content/">
    <resource identifier="res-intro" type="webcontent" adlcp:scormType="sco" xml:base="intro/"
      href="index.html?lang=en">
      <file href="index.html"/>
      <dependency identifierref="res-shared"/>
    </resource>
    <resource identifier="res-quiz" type="webcontent" adlcp:scormType="sco" xml:base="quiz/" href="index.html">
      <file href="index.html"/>
      <dependency identifierref="res-shared"/>
    </resource>
    <resource identifier="res-glossary" type="webcontent" adlcp:scormType="asset" href="glossary.html">
      <file href="glossary.html"/>
    </resource>
    <resource identifier="res-shared" type="webcontent" adlcp:scormType="asset">
      <file href="shared/api.js"/>
    </resource>
  </resources>
  <imsss:sequencingCollection>
    <imsss:sequencing ID="common">
      <imsss:rollupRules objectiveMeasureWeight="0"/>
    </imsss:sequencing>
  </imsss:sequencingCollection>
</manifest>
"""

LOM = """<?xml version="1.0"?><lom xmlns="http://ltsc.ieee.org/xsd/LOM"><general><title>
<string language="en">Threat defence</string></title></general></lom>"""


def zip_bytes(files: dict, *, symlinks: dict | None = None) -> bytes:
    """A zip of `files` (path -> text or bytes); `symlinks` (path -> target) are stored as Unix symbolic links."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return buffer.getvalue()


def scorm12_files() -> dict:
    return {"imsmanifest.xml": MANIFEST_12, "index.html": PAGE_12}


def scorm2004_files() -> dict:
    return {
        "imsmanifest.xml": MANIFEST_2004,
        "metadata/course.xml": LOM,
        "content/intro/index.html": PAGE_2004.format(title="Introduction"),
        "content/quiz/index.html": PAGE_2004.format(title="Check your knowledge"),
        "content/shared/api.js": SHARED_2004,
        "content/glossary.html": "<!doctype html><html><head><title>Glossary</title></head><body>NGFW</body></html>",
        "content/media/clip.mp4": bytes(range(256)) * 40,
    }


def upload(data: bytes, name: str = "package.zip") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/zip")


def bomb_zip(gigabytes: float = 1.0) -> bytes:
    """A real zip bomb: a valid manifest and one file of zeros that unpacks to `gigabytes` (about 1 MB zipped)."""
    buffer = io.BytesIO()
    megabyte = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", MANIFEST_12)
        archive.writestr("index.html", PAGE_12)
        with archive.open("video.bin", "w", force_zip64=True) as handle:
            for _ in range(int(gigabytes * 1024)):
                handle.write(megabyte)
    return buffer.getvalue()


def draft_module(tenant, title="Firewall essentials") -> CourseModule:
    course = CourseFactory(tenant=tenant, title=title, published=False)
    with tenant_context(tenant):
        return CourseModule.objects.get(version__course=course)


def scorm_lesson(tenant, files: dict | None = None, *, title="Firewall basics") -> Lesson:
    """A published course whose one lesson is a SCORM package (1.2 by default), imported the real way."""
    course = CourseFactory(tenant=tenant, title=title)
    with tenant_context(tenant):
        version = CourseVersion.objects.get(course=course)
        module = CourseModule.objects.get(version=version)
        CourseVersion.objects.filter(pk=version.pk).update(status=CourseVersionStatus.DRAFT)
        version.refresh_from_db()
        result = scorm_package_import(
            actor=ProgramActor(tenant.pk), upload=upload(zip_bytes(files or scorm12_files())), module=module
        )
        CourseVersion.objects.filter(pk=version.pk).update(status=CourseVersionStatus.PUBLISHED)
        return Lesson.objects.select_related("scorm_package", "module__version__course__current_version").get(
            pk=result.lesson.pk
        )


def package_count(tenant) -> int:
    with tenant_context(tenant):
        return ScormPackage.objects.count()


def use_private_storage(settings, tmp_path):
    """Give the test its own private storage (call from a fixture), so "nothing stored" can be checked by listing
    it."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    return tmp_path


def stored_files(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

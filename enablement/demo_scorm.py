"""The demo program's SCORM 1.2 package, built at seed time (nothing downloaded): a manifest and one SCO of two
pages — the content, then a three-question check — and a shared script that talks to the LMS the way authoring
tools' wrappers do: find the API in a parent window, resume from the suspend data, report the score and
passed/failed, commit, finish. It is imported through the authoring page's own import service, so it plays in the
real player."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

TITLE = "Zero trust in practice"

MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="sentinel-zero-trust-in-practice" version="1.0"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="sentinel">
    <organization identifier="sentinel">
      <title>Zero trust in practice</title>
      <item identifier="segmenting-a-branch" identifierref="sco-branch">
        <title>Segmenting a branch office</title>
        <adlcp:masteryscore>67</adlcp:masteryscore>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="sco-branch" type="webcontent" adlcp:scormtype="sco" href="index.html">
      <file href="index.html"/>
      <file href="check.html"/>
      <file href="course.js"/>
      <file href="course.css"/>
    </resource>
  </resources>
</manifest>
"""

STYLE = """body { font-family: system-ui, sans-serif; max-width: 44rem; margin: 1.5rem auto; padding: 0 1rem;
  color: #1b2733; line-height: 1.5; }
h1 { color: #0b5394; font-size: 1.6rem; }
.zone { border-left: 4px solid #0b5394; background: #f1f6fb; padding: .5rem 1rem; margin: .75rem 0; }
button { background: #0b5394; color: #fff; border: 0; border-radius: 4px; padding: .5rem 1rem; font-size: 1rem; }
fieldset { border: 1px solid #c9d6e3; border-radius: 4px; margin: 1rem 0; }
#state { color: #5b6b7b; font-size: .9rem; }
"""

# The SCORM 1.2 calls, shared by both pages: the runtime keeps the learner's place (cmi.core.lesson_location) and
# the answers (cmi.suspend_data), so a relaunch resumes where they left.
SCRIPT = """var api = null;
function findAPI(win) {
  for (var i = 0; win && i < 10; i++) {
    if (win.API) return win.API;
    if (win === win.parent) break;
    win = win.parent;
  }
  return null;
}
function say(text) { var el = document.getElementById("state"); if (el) el.textContent = text; }
function start(page) {
  api = findAPI(window);
  if (!api) { say("Opened outside the learning portal: your progress is not recorded."); return; }
  api.LMSInitialize("");
  var status = api.LMSGetValue("cmi.core.lesson_status");
  if (status === "not attempted" || status === "") api.LMSSetValue("cmi.core.lesson_status", "incomplete");
  api.LMSSetValue("cmi.core.lesson_location", page);
  api.LMSCommit("");
  say(status === "passed" ? "You passed this module already: feel free to review it." : "Progress is saved.");
}
function next(page) {
  // Each page is a session of the SCO: the next page initializes again and carries on from the stored data.
  if (api) { api.LMSSetValue("cmi.core.lesson_location", page); api.LMSCommit(""); api.LMSFinish(""); }
  window.location.href = page;
}
function submitCheck() {
  var right = 0, answers = [];
  ["q1", "q2", "q3"].forEach(function (name) {
    var chosen = document.querySelector("input[name=" + name + "]:checked");
    answers.push(chosen ? chosen.value : "-");
    if (chosen && chosen.dataset.right === "1") right++;
  });
  var score = Math.round(right * 100 / 3);
  var passed = score >= 67;
  if (api) {
    api.LMSSetValue("cmi.suspend_data", "answers=" + answers.join(","));
    api.LMSSetValue("cmi.core.score.min", "0");
    api.LMSSetValue("cmi.core.score.max", "100");
    api.LMSSetValue("cmi.core.score.raw", String(score));
    api.LMSSetValue("cmi.core.lesson_status", passed ? "passed" : "failed");
    api.LMSSetValue("cmi.core.session_time", "00:08:00");
    api.LMSCommit("");
    api.LMSFinish("");
    api = null;
  }
  say((passed ? "Passed" : "Not passed yet") + ": " + right + " of 3 right (" + score + "%).");
}
"""

INDEX = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Segmenting a branch office</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="course.css"><script src="course.js"></script></head>
<body onload="start('index.html')">
<h1>Segmenting a branch office</h1>
<p>A 40-person branch has one flat network: laptops, phones, printers, the door-badge controller and a point-of-sale
terminal all see each other. A single phished laptop can reach everything.</p>
<p>With a Sentinel appliance at the branch, the network becomes zones, and policies follow identities instead of
IP ranges:</p>
<div class="zone"><strong>Staff</strong>: signed-in employees. Reach the internet and the company's applications,
each allowed by the user's group, inspected for threats.</div>
<div class="zone"><strong>Devices</strong>: printers, badge readers, cameras. Talk only to their management servers;
nothing starts a connection to them from Staff.</div>
<div class="zone"><strong>Payments</strong>: the point-of-sale terminal. Reaches the payment processor only, logged
for the auditors.</div>
<div class="zone"><strong>Guests</strong>: internet only, rate-limited, never the other zones.</div>
<p>Every connection between zones is checked against the policy when it starts, whoever asks and wherever they
are: that is zero trust at the branch.</p>
<p><button id="next" onclick="next('check.html')">Check your understanding</button></p>
<p id="state">Loading</p>
</body></html>
"""

CHECK = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Check your understanding</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="course.css"><script src="course.js"></script></head>
<body onload="start('check.html')">
<h1>Check your understanding</h1>
<form onsubmit="submitCheck(); return false;">
<fieldset><legend>1. A laptop in the Staff zone is compromised. What can it reach?</legend>
<label><input type="radio" name="q1" value="a" data-right="0"> Everything at the branch</label><br>
<label><input type="radio" name="q1" value="b" data-right="1"> What its user's policy allows, inspected</label><br>
<label><input type="radio" name="q1" value="c" data-right="0"> Only the printers</label></fieldset>
<fieldset><legend>2. Which zone may start a connection to the badge controller?</legend>
<label><input type="radio" name="q2" value="a" data-right="0"> Staff</label><br>
<label><input type="radio" name="q2" value="b" data-right="0"> Guests</label><br>
<label><input type="radio" name="q2" value="c" data-right="1"> Only its management server</label></fieldset>
<fieldset><legend>3. Policies in a zero trust branch follow…</legend>
<label><input type="radio" name="q3" value="a" data-right="1"> Users and workloads</label><br>
<label><input type="radio" name="q3" value="b" data-right="0"> IP ranges</label><br>
<label><input type="radio" name="q3" value="c" data-right="0"> The switch ports</label></fieldset>
<p><button id="submit" type="submit">Submit my answers</button></p>
</form>
<p id="state">Loading</p>
</body></html>
"""


def package_files() -> dict[str, str]:
    return {
        "imsmanifest.xml": MANIFEST,
        "index.html": INDEX,
        "check.html": CHECK,
        "course.js": SCRIPT,
        "course.css": STYLE,
    }


def package_upload() -> SimpleUploadedFile:
    """The package as the authoring page receives it: a zip upload."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in package_files().items():
            archive.writestr(name, content)
    return SimpleUploadedFile("zero-trust-in-practice.zip", buffer.getvalue(), content_type="application/zip")

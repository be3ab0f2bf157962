/* The SCORM player: scorm-again's runtime lives here, in the site's own page; the package runs in a sandboxed frame
   (another origin) and reaches it through scorm-again's cross-frame bridge (sco-bridge.js in each of its pages).
   Commits go to the server (lmsCommitUrl); the last one, at Terminate, by sendBeacon. See docs/enablement.md. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("scorm-config").textContent);
  var frame = document.getElementById("scorm-frame");
  var message = document.getElementById("scorm-message");
  var lessonStatus = document.getElementById("scorm-lesson-status");
  var is12 = config.version === "1.2";

  function say(text) {
    if (message) message.textContent = text;
  }

  function showResult(body) {
    if (!body || !body.item) return;
    var row = document.querySelector('[data-sco="' + CSS.escape(body.item.identifier) + '"] [data-status]');
    if (row) {
      row.textContent = body.item.label;
      row.setAttribute("data-status", body.item.status);
    }
    if (body.lesson && body.lesson.completed && lessonStatus) {
      lessonStatus.textContent = config.messages.lessonDone;
      lessonStatus.setAttribute("data-completed", "true");
    }
  }

  // scorm-again reads { result, errorCode } from the LMS's answer; ours also says how the item and lesson stand.
  function xhrResponseHandler(xhr) {
    var body = null;
    try {
      body = JSON.parse(xhr.responseText);
    } catch (e) {
      body = null;
    }
    if (xhr.status >= 200 && xhr.status < 300 && body && body.result === true) {
      showResult(body);
      say(config.messages.saved);
      return { result: "true", errorCode: 0 };
    }
    say(config.messages.notSaved);
    return { result: "false", errorCode: body && typeof body.errorCode === "number" ? body.errorCode : 101 };
  }

  var settings = {
    autocommit: true,
    autocommitSeconds: 15,
    lmsCommitUrl: config.commitUrl || false,
    dataCommitFormat: "json",
    xhrResponseHandler: xhrResponseHandler,
    logLevel: 4,
  };
  var api = null;

  function start(cmi) {
    api = is12 ? new window.Scorm12API(settings) : new window.Scorm2004API(settings);
    api.loadFromJSON(cmi);
    api.on(is12 ? "LMSFinish" : "Terminate", finished);
    window[is12 ? "API" : "API_1484_11"] = api;
  }

  // A package that initializes again after finishing (a multi-page SCO, one session per page) gets a new session
  // that starts from the data the last one ended with, as a relaunch would.
  function restart() {
    var cmi = JSON.parse(JSON.stringify(api.renderCommitCMI(true).cmi));
    var holder = is12 ? cmi.core || {} : cmi;
    holder.entry = holder.exit === "suspend" ? "resume" : "";
    delete holder.exit;
    delete holder.session_time;
    say("");
    start(cmi);
  }

  // The bridge: calls posted by the package's frame (or a frame inside it), answered to the frame that asked.
  var ALLOWED = new Set([
    "LMSInitialize", "LMSFinish", "LMSGetValue", "LMSSetValue", "LMSCommit", "LMSGetLastError", "LMSGetErrorString",
    "LMSGetDiagnostic", "Initialize", "Terminate", "GetValue", "SetValue", "Commit", "GetLastError", "GetErrorString",
    "GetDiagnostic", "getFlattenedCMI",
  ]);

  function fromPackage(event) {
    if (event.origin !== config.contentOrigin || !event.source) return false;
    var win = event.source;
    for (var depth = 0; depth < 10; depth++) {
      if (win === frame.contentWindow) return true;
      if (!win || win === win.parent) return false;
      win = win.parent;
    }
    return false;
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!fromPackage(event) || !data || typeof data.messageId !== "string" || typeof data.method !== "string") return;
    var reply = function (body) {
      body.messageId = data.messageId;
      event.source.postMessage(body, event.origin === "null" ? "*" : event.origin);
    };
    if (data.isHeartbeat === true) return reply({ isHeartbeat: true });
    if (!ALLOWED.has(data.method) || typeof api[data.method] !== "function") {
      return reply({ error: { message: "Method not allowed: " + data.method, code: "101" } });
    }
    if ((data.method === "LMSInitialize" || data.method === "Initialize") && api.isTerminated()) restart();
    try {
      var result = api[data.method].apply(api, Array.isArray(data.params) ? data.params : []);
      reply({ result: result });
    } catch (error) {
      reply({ error: { message: String(error && error.message ? error.message : error) } });
    }
  });

  // A 2004 package asks where to go next when it terminates (adl.nav.request); a 1.2 package just finishes.
  function navigate(request) {
    var choice = /^\{target=([^}]+)\}(choice|jump)$/.exec(request);
    var target = null;
    if (request === "continue") target = config.nextUrl;
    else if (request === "previous") target = config.previousUrl;
    else if (choice) target = config.itemUrls[choice[1]] || null;
    if (target) {
      window.location.assign(target);
    } else {
      say(config.messages.finished);
    }
  }
  function finished() {
    // Read now: the runtime resets the request once Terminate returns.
    var request = !is12 && api.adl && api.adl.nav ? String(api.adl.nav.request || "") : "";
    window.setTimeout(function () {
      navigate(request);
    }, 0);
  }
  start(config.cmi);

  // Leaving the page (a link, the Back button, closing the tab) ends the session: its last commit goes by beacon.
  window.addEventListener("pagehide", function () {
    if (api.isInitialized() && !api.isTerminated()) {
      api[is12 ? "LMSFinish" : "Terminate"]("");
    }
  });
  // Back to this page from the browser's cache, the session has ended: load the page again for a fresh one.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) window.location.reload();
  });

  // An asset does not talk to the runtime: opening it is what completes it.
  if (config.asset && config.commitUrl) {
    var delivered = false;
    frame.addEventListener("load", function () {
      if (delivered || frame.getAttribute("src") === "about:blank") return;
      delivered = true;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", config.commitUrl);
      xhr.setRequestHeader("Content-Type", "application/json");
      xhr.onload = function () {
        xhrResponseHandler(xhr);
      };
      xhr.send(JSON.stringify({ cmi: {} }));
    });
  }

  // Only now, with the runtime and the bridge listening, is the package loaded: its first call cannot be missed.
  frame.setAttribute("src", frame.getAttribute("data-src"));
})();

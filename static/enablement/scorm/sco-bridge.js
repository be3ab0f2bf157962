/* Loaded at the top of every page of a SCORM package (enablement.scorm.delivery). The package runs sandboxed, in
   another origin than the player, so it cannot reach the runtime in the player page directly: window.API (1.2) or
   window.API_1484_11 (2004) here is scorm-again's CrossFrameAPI, which answers from a cache at once and posts each
   call to the player. The cache starts from the item's stored CMI data, so a resume works from the first call. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || typeof window.CrossFrameAPI !== "function" || window.top === window) return;
  var origin = script.getAttribute("data-origin");
  var seed = {};
  try {
    seed = JSON.parse(script.getAttribute("data-seed") || "{}");
  } catch (e) {
    seed = {};
  }
  var api = new window.CrossFrameAPI(origin, window.top);
  Object.keys(seed).forEach(function (key) {
    api._cache.set(key, String(seed[key]));
  });
  if (script.getAttribute("data-version") === "1.2") {
    window.API = api;
  } else {
    window.API_1484_11 = api;
  }
})();

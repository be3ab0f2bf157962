// Quiz pages. The learner's countdown is a courtesy: the server enforces the deadline whatever the browser shows.
// At zero the form submits itself, so the answers given in time are graded at once.
(function () {
  "use strict";

  document.querySelectorAll("[data-quiz-countdown]").forEach(function (timer) {
    var left = parseInt(timer.dataset.secondsLeft, 10);
    var form = document.getElementById(timer.dataset.form);
    var ends = Date.now() + left * 1000;
    function pad(n) { return n < 10 ? "0" + n : String(n); }
    function tick() {
      var seconds = Math.max(0, Math.round((ends - Date.now()) / 1000));
      var hours = Math.floor(seconds / 3600);
      var rest = pad(Math.floor((seconds % 3600) / 60)) + ":" + pad(seconds % 60);
      timer.textContent = hours ? hours + ":" + rest : rest;
      if (seconds <= 0) {
        timer.textContent = timer.dataset.expired;
        if (form && !form.dataset.submitted) {
          form.dataset.submitted = "1";
          form.requestSubmit ? form.requestSubmit() : form.submit();
        }
        return;
      }
      window.setTimeout(tick, 1000);
    }
    tick();
  });

  // Authors: choosing "true or false" fills the first two empty choices with the words, in the page's language.
  document.querySelectorAll("form[data-true-false]").forEach(function (form) {
    var kind = form.querySelector("select[name=kind]");
    if (!kind) { return; }
    var words = form.dataset.trueFalse.split("|");
    kind.addEventListener("change", function () {
      if (kind.value !== "true_false") { return; }
      var first = form.querySelector("input[name=choice_text_1]");
      var second = form.querySelector("input[name=choice_text_2]");
      if (first && second && !first.value && !second.value) {
        first.value = words[0];
        second.value = words[1];
      }
    });
  });
})();

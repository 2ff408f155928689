// Progressive enhancement for the time picker of /book/concern/<id>/ (booking/picker.py).
// Without JavaScript every day and month is a plain link ending in an anchor (#times,
// #month, #next), so the browser opens the next page right at the next step instead of
// at its top. This script adds two things:
// - the heading of that step takes the focus (it has tabindex="-1"), so a screen reader
//   announces it and the next Tab reaches the first time;
// - the consultation's language, topics and interpreter show only once "add a
//   consultation" is ticked (without JavaScript they are always shown).
(function () {
  "use strict";

  var picker = document.querySelector("[data-picker]");
  if (!picker) return;

  function focusStep(hash) {
    if (!hash || hash.length < 2) return false;
    var section = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (!section || !picker.contains(section)) return false;
    var heading = section.querySelector("h2[tabindex]");
    if (!heading) return false;
    heading.focus({ preventScroll: true });
    section.scrollIntoView({ block: "start", behavior: "instant" });
    return true;
  }

  var box = picker.querySelector("input[name=consultation]");
  var details = picker.querySelector(".picker__consultation-details");
  if (box && details) {
    var update = function () {
      // A field with an error stays visible, so the client sees what to fix.
      details.hidden = !box.checked && !details.querySelector(".kern-error");
    };
    box.addEventListener("change", update);
    update();
  }

  // "Choose another day" and other links inside the page move the focus along too.
  picker.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link || !focusStep(link.getAttribute("href"))) return;
    event.preventDefault(); // the browser's own jump would take the focus back
    window.history.pushState(null, "", link.getAttribute("href"));
  });
  // After "load": the browser's own jump to the anchor comes first, and the focus must
  // not be taken back by it.
  if (document.readyState === "complete") {
    focusStep(window.location.hash);
  } else {
    window.addEventListener("load", function () {
      focusStep(window.location.hash);
    });
  }
})();

// The waiting-room display shows its headings in each interface language in turn, one
// language per poll. Under "reduce motion" the rotation stops: every poll asks for the
// language the board was first shown in, and still brings newly called tickets. Without
// JavaScript the page rotates by <meta refresh>, where no preference can be read.
(function () {
  var reduce = window.matchMedia("(prefers-reduced-motion: reduce)");
  var first = new URLSearchParams(window.location.search).get("i") || "0";
  document.body.addEventListener("htmx:configRequest", function (event) {
    if (reduce.matches && event.detail.elt.id === "display-board") {
      event.detail.path = event.detail.path.replace(/([?&]i=)\d+/, "$1" + first);
    }
  });
})();

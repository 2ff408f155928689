// The waiting-room display (a kiosk page).
//
// Language rotation: the headings are shown in each interface language in turn, one
// language per poll. Under "reduce motion" the rotation stops: every poll asks for the
// language the board was first shown in, and still brings newly called tickets. Without
// JavaScript the page rotates by <meta refresh>, where no preference can be read.
//
// A new call: the latest row flashes (CSS; under "reduce motion" it only gets a frame),
// and, once someone at the screen has switched the sound on (browsers allow sound only
// after a click), a short two-tone chime made with the Web Audio API (no sound file).
(function () {
  var reduce = window.matchMedia("(prefers-reduced-motion: reduce)");
  var first = new URLSearchParams(window.location.search).get("i") || "0";
  var board = document.getElementById("display-board");
  var lastCall = board ? board.getAttribute("data-latest-call") : null;
  var audio = null;

  document.body.addEventListener("htmx:configRequest", function (event) {
    if (reduce.matches && event.detail.elt.id === "display-board") {
      event.detail.path = event.detail.path.replace(/([?&]i=)\d+/, "$1" + first);
    }
  });

  function chime() {
    if (!audio) return;
    var now = audio.currentTime;
    [880, 660].forEach(function (frequency, index) {
      var tone = audio.createOscillator();
      var gain = audio.createGain();
      tone.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, now + index * 0.35);
      gain.gain.exponentialRampToValueAtTime(0.4, now + index * 0.35 + 0.03);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + index * 0.35 + 0.33);
      tone.connect(gain).connect(audio.destination);
      tone.start(now + index * 0.35);
      tone.stop(now + index * 0.35 + 0.35);
    });
  }

  document.body.addEventListener("htmx:afterSettle", function () {
    var current = document.getElementById("display-board");
    if (!current) return;
    var call = current.getAttribute("data-latest-call");
    if (call && call !== lastCall) {
      current.classList.add("walkins-board--new-call");
      document.body.setAttribute("data-new-calls",
        String(Number(document.body.getAttribute("data-new-calls") || "0") + 1));
      chime();
    }
    lastCall = call;
  });

  var sound = document.querySelector("[data-sound]");
  if (sound && (window.AudioContext || window.webkitAudioContext)) {
    sound.hidden = false;
    sound.addEventListener("click", function () {
      if (!audio) {
        audio = new (window.AudioContext || window.webkitAudioContext)();
        sound.setAttribute("aria-pressed", "true");
        chime();
      } else {
        audio.close();
        audio = null;
        sound.setAttribute("aria-pressed", "false");
      }
    });
  }
})();

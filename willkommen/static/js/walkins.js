// Progressive enhancement for the walk-in pages: the print button appears only where
// printing from script works; without JavaScript the browser's own print menu remains.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
});

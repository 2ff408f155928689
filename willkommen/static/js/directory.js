// Directory of local offers: shows the print button of a referral sheet (without
// JavaScript the browser's own print function works the same).
document.querySelectorAll(".sheet-print").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});

/* A refused form: focus its first invalid field (opening the folded section it sits in), and let
   the links of the error summary focus their field. Loaded by templates/_form_errors.html. */
(function () {
  "use strict";
  function focusField(field) {
    var fold = field.closest("details");
    if (fold) fold.open = true;
    field.focus();
    if (field.scrollIntoView) field.scrollIntoView({block: "center"});
  }
  function start() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    var scope = summary.closest("form") || document;
    var first = scope.querySelector('[aria-invalid="true"]:not([type="hidden"]):not([disabled])');
    if (first) focusField(first); else summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-focus]");
      var field = link && document.getElementById(link.getAttribute("data-focus"));
      if (!field) return;
      event.preventDefault();
      focusField(field);
    });
  }
  if (document.readyState !== "loading") start();
  else document.addEventListener("DOMContentLoaded", start);
})();

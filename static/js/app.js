/* Small progressive enhancements; every page works without them. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // The menu folds behind a button on narrow screens (CSS hides it only when .js is set).
  function menu() {
    var header = document.querySelector("header.top");
    var button = header && header.querySelector(".menu-toggle");
    if (!button) return;
    button.addEventListener("click", function () {
      var open = header.classList.toggle("open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  // Tables with one plain header row and plain rows reflow into cards on phones: each cell
  // gets its column's heading as a label. Tables with merged cells keep scrolling in their box.
  function cards() {
    document.querySelectorAll("table.data").forEach(function (table) {
      if (table.classList.contains("no-cards") || !table.tHead || table.tHead.rows.length !== 1) return;
      var heads = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) {
        return th.colSpan > 1 ? null : th.textContent.trim();
      });
      if (heads.indexOf(null) >= 0) return;
      var plain = Array.prototype.every.call(table.tBodies, function (body) {
        return Array.prototype.every.call(body.rows, function (row) {
          return row.cells.length === heads.length &&
            Array.prototype.every.call(row.cells, function (c) { return c.colSpan === 1 && c.rowSpan === 1; });
        });
      });
      if (!plain) return;
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          Array.prototype.forEach.call(row.cells, function (cell, i) {
            if (!cell.hasAttribute("data-label")) cell.setAttribute("data-label", heads[i]);
          });
        });
      });
      table.classList.add("cards");
    });
  }

  // A link to a folded section opens it.
  function folds() {
    function openTarget() {
      var id = decodeURIComponent(location.hash.slice(1));
      var target = id && document.getElementById(id);
      var fold = target && target.closest("details");
      if (fold) fold.open = true;
    }
    window.addEventListener("hashchange", openTarget);
    openTarget();
  }

  // The data-entry form: what is left per criterion follows the typing.
  function entry() {
    var form = document.querySelector("form.entry");
    if (!form) return;
    var labels = document.getElementById("entry-summary");
    function update(fold) {
      var fields = fold.querySelectorAll("input.value:not([disabled]), select:not([disabled])");
      var left = 0;
      fields.forEach(function (f) { if (!f.value.trim()) left += 1; });
      document.querySelectorAll('[data-left-for="' + fold.id + '"]').forEach(function (span) {
        if (span.classList.contains("bad")) return;
        span.classList.toggle("done", left === 0);
        if (!fields.length) return;
        span.textContent = left ? (labels.dataset.empty || "{n}").replace("{n}", left) : (labels.dataset.complete || "✓");
      });
    }
    form.addEventListener("input", function (event) {
      var fold = event.target.closest("details.criterion");
      if (fold) update(fold);
    });
    // After a refused save, form-errors.js (with the error summary) focuses the first field in error.
  }

  ready(function () { menu(); cards(); folds(); entry(); });
})();

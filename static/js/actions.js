/* Buttons that ask before acting, and print buttons; without JavaScript the forms still post
   and the browser's own print command prints the page the same way (print stylesheet). */
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
    var bell = document.getElementById("bell");
    if (bell && window.fetch) {
      fetch(bell.getAttribute("data-count-url"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          var badge = bell.querySelector(".bell-count");
          if (!data || !badge || !data.unread) return;
          badge.textContent = data.unread > 99 ? "99+" : String(data.unread);
          badge.hidden = false;
          bell.classList.add("has-unread");
          // On a phone the bell is behind the menu button: the button shows the count too.
          var toggle = document.querySelector("header.top .menu-toggle");
          if (toggle && !toggle.querySelector(".bell-count")) {
            var copy = badge.cloneNode(true);
            copy.setAttribute("aria-hidden", "true");
            toggle.appendChild(copy);
          }
        })
        .catch(function () {});
    }
    // Money inputs (config.money): digits typed without separators are grouped on leaving the
    // field, the Vietnamese way (12500000 -> 12.500.000; 1234,5 -> 1.234,5). Anything else is
    // left as typed for the server to judge.
    document.querySelectorAll("input.amount").forEach(function (input) {
      input.addEventListener("blur", function () {
        var match = /^\s*(\d+)(,\d+)?\s*$/.exec(input.value);
        if (!match) return;
        input.value = match[1].replace(/^0+(?=\d)/, "").replace(/\B(?=(\d{3})+(?!\d))/g, ".") + (match[2] || "");
      });
    });
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();

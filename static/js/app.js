/* The portal's own small behaviours, attached here instead of inline handlers: the
   Content-Security-Policy (coop/settings.py SECURE_CSP) runs scripts from this site's files only.
   Loaded in <head> without defer, so <html class="js"> is set before the page is drawn. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("click", function (event) {
    if (!event.target.closest) return;
    // <button data-print>: print the page (monthly reports, feedback and evaluation forms).
    if (event.target.closest("[data-print]")) {
      event.preventDefault();
      window.print();
      return;
    }
    // The main menu's button on a phone (static/css/app.css folds the list while it is closed).
    var toggle = event.target.closest(".nav-toggle");
    if (toggle) {
      toggle.setAttribute("aria-expanded", toggle.getAttribute("aria-expanded") === "true" ? "false" : "true");
    }
  });
})();

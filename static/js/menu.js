/* Maillage: the header's menu button on narrow screens, and the account menu's closing.
 * Without this script the button stays hidden and the navigation shows in full
 * (maillage.css keys both on html.js); the account menu still opens and closes. */
(function () {
  "use strict";

  function setOpen(button, nav, open) {
    button.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("is-open", open);
  }

  function enableMenu(button) {
    var nav = document.getElementById(button.getAttribute("aria-controls"));
    if (!nav) { return; }
    button.addEventListener("click", function () {
      setOpen(button, nav, button.getAttribute("aria-expanded") !== "true");
    });
    // Escape closes an open menu and gives the focus back to its button.
    nav.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && nav.classList.contains("is-open")) {
        setOpen(button, nav, false);
        button.focus();
      }
    });
  }

  /* A disclosure menu closes on Escape (focus back on its summary) or a click elsewhere. */
  function enableClosing(details) {
    var summary = details.querySelector("summary");
    details.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && details.open) {
        details.open = false;
        summary.focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (details.open && !details.contains(event.target)) { details.open = false; }
    });
  }

  document.querySelectorAll(".menu-button[aria-controls]").forEach(enableMenu);
  document.querySelectorAll("details[data-closable]").forEach(enableClosing);
}());

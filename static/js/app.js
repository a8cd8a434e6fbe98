// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  function enableDismiss(root) {
    root.querySelectorAll("[data-dismiss]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var alert = button.closest("[data-dismissible]");
        if (alert) {
          alert.remove();
        }
      });
    });
  }

  // On narrow screens the navigation folds behind a "Menu" button (CSS hides
  // it only when this script runs, so without JavaScript it stays visible).
  function enableMenu(root) {
    var button = root.querySelector(".nav-toggle");
    var header = root.querySelector(".site-header");
    if (!button || !header) {
      return;
    }
    button.hidden = false;
    header.classList.add("has-menu");
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      header.classList.toggle("menu-open", open);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    enableDismiss(document);
    enableMenu(document);
  });
})();

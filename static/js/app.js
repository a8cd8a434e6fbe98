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

  document.addEventListener("DOMContentLoaded", function () {
    enableDismiss(document);
  });
})();

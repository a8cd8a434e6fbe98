// Behaviour for the admin's own additions, bound from this file because the
// Content Security Policy runs no inline event handlers.
document.addEventListener("DOMContentLoaded", () => {
  // Read-only links to copy (a programme's invite link): focus selects them.
  document.querySelectorAll("input.select-on-focus").forEach((input) => {
    input.addEventListener("focus", () => input.select());
  });
  // django-import-export's export page: its "Select all" box calls
  // onSelectToggleChange from an inline onchange attribute; the same handler.
  document.querySelectorAll(".select-toggle").forEach((toggle) => {
    toggle.addEventListener("change", (event) => {
      if (typeof window.onSelectToggleChange === "function") {
        window.onSelectToggleChange(event);
      }
    });
  });
});

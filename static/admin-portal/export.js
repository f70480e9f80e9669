// django-import-export wires its « Select all » toggle with an inline onchange
// attribute, which the strict Content-Security-Policy refuses: wire it here instead.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input.select-toggle").forEach((toggle) => {
    toggle.addEventListener("change", onSelectToggleChange); // from import_export's script
  });
});

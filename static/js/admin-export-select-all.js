// The admin's export page: "select all" ticks or clears every column of the export.
// django-import-export wires the box with an inline onchange, which the Content-Security-Policy
// refuses; templates/admin/import_export/export.html drops that attribute and this does the work.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input.select-toggle").forEach((toggle) => {
    toggle.addEventListener("change", () => {
      const boxes = document.querySelectorAll(
        '.selectable-field-export-row input[type="checkbox"]',
      );
      boxes.forEach((box) => {
        box.checked = toggle.checked;
      });
    });
  });
});

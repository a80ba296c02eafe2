// Small behaviours shared by the portal's pages (no inline scripts: the CSP forbids them).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

// Member form: the work-group field only matters for members of a work group.
function syncMemberGroupField() {
  const body = document.getElementById("id_body");
  const group = document.getElementById("field-group");
  if (body && group) {
    group.hidden = body.value !== "group";
  }
}
document.addEventListener("change", (event) => {
  if (event.target.id === "id_body") {
    syncMemberGroupField();
  }
});
document.addEventListener("DOMContentLoaded", syncMemberGroupField);

// A form marked data-busy shows its progress bar and disables its buttons while the server
// works on a long request (checking or importing a large spreadsheet).
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-busy]");
  if (!form) return;
  const bar = document.getElementById(form.dataset.busy);
  if (bar) bar.classList.remove("d-none");
  form.querySelectorAll("button[type=submit]").forEach((button) => {
    button.disabled = true;
  });
});

// A page that follows a background job (its status inside [data-reload-when-finished], polled
// by htmx) loads again once the job has finished, to show what the job did.
document.addEventListener("htmx:load", (event) => {
  const status = event.detail.elt;
  if (status.matches?.("[data-finished]") && status.closest("[data-reload-when-finished]")) {
    window.location.reload();
  }
});

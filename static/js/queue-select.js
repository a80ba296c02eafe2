// A review queue's selection (no inline handlers: the CSP forbids them). The header box
// selects every report of the page without problems ([data-clean]); the submit button counts
// the selection and is enabled only when something is selected.
(() => {
  const form = document.querySelector("form[data-bulk-select]");
  if (!form) return;
  const boxes = () => [...form.querySelectorAll("input[type=checkbox][name=report]")];
  const all = form.querySelector("[data-select-all]");
  const button = form.querySelector("button[type=submit]");
  const count = form.querySelector("[data-selected-count]");

  function sync() {
    const selected = boxes().filter((box) => box.checked).length;
    if (count) count.textContent = String(selected);
    if (button) button.disabled = selected === 0;
    if (all) {
      const clean = boxes().filter((box) => box.hasAttribute("data-clean"));
      all.checked = clean.length > 0 && clean.every((box) => box.checked);
      all.indeterminate = !all.checked && selected > 0;
    }
  }

  form.addEventListener("change", (event) => {
    if (event.target === all) {
      boxes().forEach((box) => {
        box.checked = all.checked && box.hasAttribute("data-clean");
      });
    }
    sync();
  });
  sync();
})();

// Opening a round (programs/round_form.html): select all or none of the units, or those of a
// kind, phase or pilot status. Only ticks checkboxes; the form on the server decides.
(() => {
  const tools = document.getElementById("unit-tools");
  const field = document.getElementById("field-units");
  if (!tools || !field) return;
  const boxes = () => [...field.querySelectorAll('input[type="checkbox"][name="units"]')];
  const label = field.querySelector("label.form-label");
  (label || field.firstChild).after(tools);
  tools.hidden = false;

  const count = document.getElementById("unit-count");
  function showCount() {
    const all = boxes();
    const checked = all.filter((box) => box.checked).length;
    count.textContent = count.dataset.template
      .replace("COUNT", String(checked))
      .replace("TOTAL", String(all.length));
  }

  function matches(box) {
    const kind = document.getElementById("unit-kind").value;
    const phase = document.getElementById("unit-phase").value;
    const pilot = document.getElementById("unit-pilot").value;
    return (
      (!kind || box.dataset.kind === kind) &&
      (!phase || box.dataset.phase === phase) &&
      (!pilot || box.dataset.pilot === pilot)
    );
  }

  tools.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-units]");
    if (!button) return;
    const action = button.dataset.units;
    for (const box of boxes()) {
      if (action === "all") box.checked = true;
      else if (action === "none") box.checked = false;
      else if (action === "only") box.checked = matches(box);
      else if (action === "add" && matches(box)) box.checked = true;
    }
    showCount();
  });
  field.addEventListener("change", showCount);
  showCount();
})();

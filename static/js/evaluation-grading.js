// The grading page (programs/evaluation_detail.html): as grades are chosen, each item's points,
// its element's subtotal and the running total follow, and an item graded to zero is marked.
// The server stays the authority: it recomputes everything when the grades are saved.
(() => {
  const form = document.getElementById("grades-form");
  const data = document.getElementById("grade-fractions");
  if (!form || !data) return;
  const fractions = JSON.parse(data.textContent);
  const PARTS = ["presence", "evidence", "effect"];
  // Work in thousandths of a point, as integers (a part's points have two decimals, a grade's
  // share one), so the sums are exact like the server's decimals; shown rounded half up.
  const exact = (value) => Math.round(value * 1000);
  const shown = (thousandths) => (Math.round(thousandths / 10) / 100).toFixed(2);

  function itemPoints(row) {
    const parts = row.dataset.parts.split(" ").map(Number);
    let total = 0;
    for (let i = 0; i < PARTS.length; i += 1) {
      const select = row.querySelector(`select[name^="${PARTS[i]}_"]`);
      if (!select || !(select.value in fractions)) return { points: null, maximum: 0 };
      total += parts[i] * Number(fractions[select.value]);
    }
    const maximum = parts.reduce((sum, part) => sum + part, 0);
    return { points: total, maximum };
  }

  function recompute() {
    let total = 0;
    for (const block of document.querySelectorAll("#evaluation-items tbody[data-element]")) {
      let subtotal = 0;
      for (const row of block.querySelectorAll("tr[data-item]")) {
        const { points, maximum } = itemPoints(row);
        const cell = row.querySelector("[data-item-points]");
        if (cell) cell.textContent = points === null ? "—" : shown(exact(points));
        const zero = points !== null && exact(points) === 0 && maximum > 0;
        row.classList.toggle("table-danger", zero);
        row.classList.toggle("item-zero", zero);
        const flag = row.querySelector(".zero-flag");
        if (flag) flag.hidden = !zero;
        if (points !== null) subtotal += exact(points);
      }
      const cell = block.querySelector("[data-element-subtotal]");
      if (cell) cell.textContent = shown(subtotal);
      total += subtotal;
    }
    const running = document.getElementById("running-total");
    if (running) running.textContent = shown(total);
  }

  form.addEventListener("change", (event) => {
    if (!event.target.matches("select")) return;
    recompute();
    // The result and its reason are the server's: dimmed until the grades are saved.
    const note = document.getElementById("recomputed-note");
    if (note) note.hidden = false;
    for (const id of ["running-result", "running-reason"]) {
      document.getElementById(id)?.classList.add("opacity-50");
    }
  });
})();

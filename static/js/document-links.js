// Evaluation grading page: link each item to documents of the evaluated unit. Every item keeps
// its links as ids in a hidden input ("12,40"); one picker (#document-picker, a Bootstrap
// modal listing the unit's documents once) edits the item whose button opened it. Without
// JavaScript the buttons stay hidden and the links are shown and posted unchanged.
(function () {
  "use strict";

  const picker = document.getElementById("document-picker");
  if (!picker || typeof bootstrap === "undefined") {
    return;
  }
  const modal = bootstrap.Modal.getOrCreateInstance(picker);
  const title = document.getElementById("document-picker-title");
  const heading = title.textContent;
  const filter = picker.querySelector("[data-filter]");
  const boxes = Array.from(picker.querySelectorAll("input[type=checkbox]"));
  const byId = new Map(boxes.map((box) => [box.value, box]));
  let input = null;

  const ids = (value) => value.split(",").map((part) => part.trim()).filter((part) => /^\d+$/.test(part));

  function showLinks(target) {
    const list = target.closest("[data-document-links]").querySelector("[data-linked-list]");
    list.replaceChildren(
      ...ids(target.value)
        .map((id) => byId.get(id))
        .filter(Boolean)
        .map((box) => {
          const row = document.createElement("div");
          const text = box.dataset.title;
          if (box.dataset.url) {
            const link = document.createElement("a");
            link.href = box.dataset.url;
            const icon = document.createElement("i");
            icon.className = "bi bi-file-earmark-arrow-down";
            icon.setAttribute("aria-hidden", "true");
            link.append(icon, " ", text);
            row.append(link);
          } else {
            row.textContent = text;
          }
          return row;
        }),
    );
  }

  document.querySelectorAll("[data-pick-documents]").forEach((button) => {
    button.classList.remove("d-none");
    button.addEventListener("click", () => {
      input = document.getElementById(button.dataset.pickDocuments);
      const linked = new Set(ids(input.value));
      boxes.forEach((box) => {
        box.checked = linked.has(box.value);
      });
      title.textContent = button.dataset.label || heading;
      filter.value = "";
      filter.dispatchEvent(new Event("input"));
      modal.show(button);
    });
  });

  filter.addEventListener("input", () => {
    const words = filter.value.trim().toLowerCase();
    picker.querySelectorAll("[data-group]").forEach((group) => {
      let shown = 0;
      group.querySelectorAll("[data-document]").forEach((row) => {
        const match = !words || row.textContent.toLowerCase().includes(words);
        row.hidden = !match;
        shown += match ? 1 : 0;
      });
      group.hidden = shown === 0 && !group.querySelector("legend").textContent.toLowerCase().includes(words);
      if (!group.hidden && shown === 0) {
        group.querySelectorAll("[data-document]").forEach((row) => {
          row.hidden = false;
        });
      }
    });
  });

  picker.querySelector("[data-apply]").addEventListener("click", () => {
    if (input) {
      input.value = boxes
        .filter((box) => box.checked)
        .map((box) => Number(box.value))
        .sort((a, b) => a - b)
        .join(",");
      showLinks(input);
    }
    modal.hide();
  });
})();

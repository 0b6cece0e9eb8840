// What inline attributes would otherwise do, under a Content-Security-Policy without
// 'unsafe-inline': a select that submits its form when changed, a width or an indent given in
// data attributes (set through the CSSOM, which the policy allows).
(function () {
  function apply(root) {
    root.querySelectorAll("select[data-autosubmit]").forEach((select) => {
      if (select.dataset.bound) return;
      select.dataset.bound = "1";
      select.addEventListener("change", () => select.form && select.form.submit());
    });
    root.querySelectorAll("[data-width]").forEach((el) => { el.style.width = `${Number(el.dataset.width) || 0}%`; });
    root.querySelectorAll("[data-indent]").forEach((el) => { el.style.paddingLeft = `${Number(el.dataset.indent) || 0}rem`; });
    // On a phone a table reflows into one block per row (css: .table-reflow); each cell is given
    // its column's heading, which the stylesheet shows before it.
    root.querySelectorAll("main table.table, #result_list").forEach((table) => {
      const headings = Array.from(table.querySelectorAll("thead th")).map((th) => th.textContent.trim());
      if (!headings.length) return;
      table.classList.add("table-reflow");
      table.querySelectorAll("tbody tr, tfoot tr").forEach((row) => {
        let column = 0;
        Array.from(row.children).forEach((cell) => {
          const heading = headings[column];
          if (heading && !cell.dataset.label) cell.dataset.label = heading;
          column += Number(cell.getAttribute("colspan")) || 1;
        });
      });
    });
    // An irreversible step is asked again, in the words the page shows beside its button.
    root.querySelectorAll("button[data-confirm]").forEach((button) => {
      if (button.dataset.bound) return;
      button.dataset.bound = "1";
      button.addEventListener("click", (event) => {
        if (!window.confirm(button.dataset.confirm)) event.preventDefault();
      });
    });
    // A people picker: choosing a person found ticks them in (several) or puts their username in
    // the box (one); the choice is announced in the results' live region. Arrow down from the box
    // goes to the first person found.
    root.querySelectorAll("[data-people-picker] input[type=search]").forEach((box) => {
      if (box.dataset.bound) return;
      box.dataset.bound = "1";
      box.addEventListener("keydown", (event) => {
        const first = box.closest("[data-people-picker]").querySelector("[data-pick]");
        if (event.key === "ArrowDown" && first) { event.preventDefault(); first.focus(); }
      });
    });
    root.querySelectorAll("[data-people-results] [data-pick]").forEach((button) => {
      if (button.dataset.bound) return;
      button.dataset.bound = "1";
      button.addEventListener("keydown", (event) => {
        const item = button.closest("li");
        const next = event.key === "ArrowDown" ? item.nextElementSibling : event.key === "ArrowUp" ? item.previousElementSibling : null;
        if (next) { event.preventDefault(); next.querySelector("[data-pick]").focus(); }
      });
      button.addEventListener("click", () => {
        const picker = button.closest("[data-people-picker]");
        const box = picker.querySelector("input[type=search]");
        const list = picker.querySelector("[data-picked]");
        const username = button.dataset.pick;
        if (list) {
          const ticked = Array.from(list.querySelectorAll("input")).find((input) => input.value === username);
          if (ticked) ticked.checked = true;
          else {
            const item = document.createElement("li");
            item.className = "form-check";
            const input = document.createElement("input");
            Object.assign(input, { type: "checkbox", className: "form-check-input", name: box.name, value: username, checked: true });
            input.id = `${box.id}_picked_${list.children.length + 1}_${Date.now()}`;
            const label = document.createElement("label");
            Object.assign(label, { className: "form-check-label", htmlFor: input.id, textContent: button.dataset.pickLabel });
            item.append(input, label);
            list.append(item);
          }
          box.value = "";
        } else box.value = username;
        const results = picker.querySelector(".people-results");
        const said = document.createElement("p");
        said.className = "small text-success mt-1 mb-0";
        said.textContent = `${picker.dataset.chosenText} ${button.dataset.pickLabel}`;
        results.replaceChildren(said);
        box.focus();
      });
    });
    // Rows of a table field (indicators, milestones): "Add a row" copies the blank row kept in
    // the field's <template>, numbered after the others, and puts the focus in it.
    root.querySelectorAll("[data-rows] [data-add-row]").forEach((button) => {
      if (button.dataset.bound) return;
      button.dataset.bound = "1";
      button.addEventListener("click", () => {
        const field = button.closest("[data-rows]");
        const total = field.querySelector(`input[name="${field.dataset.rows}-TOTAL_FORMS"]`);
        const most = Number(field.querySelector(`input[name="${field.dataset.rows}-MAX_NUM_FORMS"]`).value);
        const index = Number(total.value);
        if (index >= most) return;
        const html = field.querySelector("template[data-row-template]").innerHTML.replaceAll("__prefix__", String(index));
        const body = field.querySelector("[data-rows-body]");
        body.insertAdjacentHTML("beforeend", html);
        total.value = String(index + 1);
        const labels = Array.from(body.firstElementChild.children).map((cell) => cell.dataset.label);
        Array.from(body.lastElementChild.children).forEach((cell, n) => { if (labels[n]) cell.dataset.label = labels[n]; });
        const first = body.lastElementChild.querySelector("input, select, textarea");
        if (first) first.focus();
        if (index + 1 >= most) button.disabled = true;
      });
    });
    // An error summary takes the focus, so a screen reader reads it and a keyboard starts there;
    // each of its links puts the focus in the field it names.
    // (A summary swapped in by htmx while the person types is announced, not focused.)
    // A page reached with the skip link's #main in its address would move the focus to the main
    // region when loaded, away from the summary: the fragment is dropped and the focus kept.
    const summary = root === document ? root.querySelector("[data-error-summary]") : null;
    if (summary) {
      if (location.hash) history.replaceState(null, "", location.pathname + location.search);
      summary.focus();
      window.addEventListener("load", () => { if (!summary.contains(document.activeElement)) summary.focus(); }, { once: true });
    }
    root.querySelectorAll("[data-error-summary] a[data-field]").forEach((link) => {
      link.addEventListener("click", (event) => {
        const field = document.getElementById(link.dataset.field);
        if (!field) return;
        event.preventDefault();
        field.scrollIntoView({ block: "center" });
        field.focus();
      });
    });
  }
  document.addEventListener("DOMContentLoaded", () => apply(document));
  document.addEventListener("htmx:afterSwap", (event) => apply(event.target));
})();

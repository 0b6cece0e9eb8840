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

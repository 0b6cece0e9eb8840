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
    const summary = root === document ? root.querySelector("[data-error-summary]") : null;
    if (summary) summary.focus();
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

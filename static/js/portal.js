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
  }
  document.addEventListener("DOMContentLoaded", () => apply(document));
  document.addEventListener("htmx:afterSwap", (event) => apply(event.target));
})();

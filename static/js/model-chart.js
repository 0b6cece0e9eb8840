// Comparison chart on a model's page: each indicator's latest actual in the original unit and in
// every adopting unit, beside its target. The data comes from the json_script block; the table
// under the chart gives the same figures to screen readers.
(function () {
  const source = document.getElementById("model-data");
  const canvas = document.getElementById("model-chart");
  if (!source || !canvas || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  const palette = ["#0d6efd", "#198754", "#d63384", "#fd7e14", "#6f42c1", "#20c997"];
  const datasets = [];
  data.indicators.forEach((indicator, n) => {
    const colour = palette[n % palette.length];
    datasets.push({ type: "bar", label: `${indicator.name} — ${data.actual_label}`, data: indicator.actuals, backgroundColor: colour });
    datasets.push({ type: "line", label: `${indicator.name} — ${data.target_label}`, data: data.labels.map(() => indicator.target),
      borderColor: colour, borderDash: [6, 4], pointRadius: 0 });
  });
  new Chart(canvas, { data: { labels: data.labels, datasets }, options: { animation: false, plugins: { legend: { position: "bottom" } } } });
})();

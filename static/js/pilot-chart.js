// Indicator chart on the pilot page: each indicator's reported values over time, with its
// baseline and target as flat lines. The data comes from the json_script block beside it.
(function () {
  const source = document.getElementById("indicator-data");
  const canvas = document.getElementById("indicator-chart");
  if (!source || !canvas || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  const palette = ["#0d6efd", "#198754", "#d63384", "#fd7e14", "#6f42c1", "#20c997"];
  const labels = data.labels; // dd/mm/yyyy, in date order (the server sorts them by date)
  const datasets = [];
  data.indicators.forEach((indicator, n) => {
    const colour = palette[n % palette.length];
    const name = indicator.unit ? `${indicator.name} (${indicator.unit})` : indicator.name;
    datasets.push({ label: name, data: indicator.points, borderColor: colour, backgroundColor: colour, tension: 0.2 });
    datasets.push({ label: `${name} — ${data.target_label}`, data: labels.map((x) => ({ x, y: indicator.target })),
      borderColor: colour, borderDash: [6, 4], pointRadius: 0 });
  });
  new Chart(canvas, {
    type: "line",
    data: { labels, datasets },
    options: { parsing: { xAxisKey: "x", yAxisKey: "y" }, animation: false, plugins: { legend: { position: "bottom" } } },
  });
})();

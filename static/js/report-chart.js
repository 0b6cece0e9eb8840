// Charts on the report page: proposals and pilots by status. The data comes from the json_script
// block; the tables below give the same figures to screen readers.
(function () {
  const source = document.getElementById("report-data");
  if (!source || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  [["chart-proposals", data.proposals, "#0d6efd"], ["chart-pilots", data.pilots, "#198754"]].forEach(([id, rows, colour]) => {
    const canvas = document.getElementById(id);
    if (!canvas) return;
    new Chart(canvas, {
      type: "bar",
      data: { labels: rows.map((r) => r[0]), datasets: [{ data: rows.map((r) => r[1]), backgroundColor: colour }] },
      options: { animation: false, indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { ticks: { precision: 0 } } } },
    });
  });
})();

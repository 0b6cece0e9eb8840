// The report page: a bar chart per section (the data comes from the json_script block; the
// tables below give the same figures to screen readers), and the sortable table of units below.
(function () {
  const source = document.getElementById("report-data");
  const colours = ["#0d6efd", "#198754", "#dc3545", "#fd7e14", "#6f42c1", "#20c997", "#6c757d"];
  // A long label on lines of about 24 characters (Chart.js draws an array as lines), so that it
  // is read whole rather than cut at the chart's left edge.
  const wrap = (text) => String(text).split(" ").reduce((lines, word) => {
    const last = lines[lines.length - 1];
    if (last && (last + " " + word).length <= 24) lines[lines.length - 1] = last + " " + word;
    else lines.push(word);
    return lines;
  }, []);
  if (source && window.Chart) {
    JSON.parse(source.textContent).forEach((chart, n) => {
      const canvas = document.getElementById(chart.id);
      if (!canvas) return;
      new Chart(canvas, {
        type: "bar",
        data: { labels: chart.rows.map((r) => wrap(r[0])), datasets: [{ data: chart.rows.map((r) => r[1]), backgroundColor: colours[n % colours.length] }] },
        options: { animation: false, indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { ticks: { precision: 0 } } } },
      });
    });
  }
  document.querySelectorAll("table[data-sortable]").forEach((table) => {
    table.querySelectorAll("button[data-sort]").forEach((button) => {
      button.addEventListener("click", () => {
        const column = Number(button.dataset.sort);
        const header = button.closest("th");
        const ascending = header.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("th").forEach((th) => th.setAttribute("aria-sort", "none"));
        header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const body = table.tBodies[0];
        const key = (row) => {
          const cell = row.cells[column];
          return "numeric" in button.dataset ? Number(cell.dataset.value || 0) : cell.textContent.trim();
        };
        const rows = Array.from(body.rows).sort((a, b) => {
          const [x, y] = [key(a), key(b)];
          const order = typeof x === "number" ? x - y : x.localeCompare(y, document.documentElement.lang || "vi");
          return ascending ? order : -order;
        });
        rows.forEach((row) => body.appendChild(row));
      });
    });
  });
})();

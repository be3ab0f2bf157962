// The learning report's chart: learners per course (or partner) by state, from the data the page embeds with
// json_script (no inline scripts, no CDN). The series' names come translated from the page.
(function () {
  const data = document.getElementById("learning-chart-data");
  const names = document.getElementById("learning-chart-labels");
  const canvas = document.getElementById("learningChart");
  if (!data || !names || !canvas || !window.Chart) return;
  const chart = JSON.parse(data.textContent);
  const label = JSON.parse(names.textContent);
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: chart.labels,
      datasets: [
        { label: label.completed, data: chart.completed, backgroundColor: "#198754" },
        { label: label.in_progress, data: chart.in_progress, backgroundColor: "#0d6efd" },
        { label: label.not_started, data: chart.not_started, backgroundColor: "#adb5bd" },
      ],
    },
    // No animation: figures show at once (and screenshots never catch a half-drawn bar).
    options: {
      animation: false,
      indexAxis: "y",
      scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } },
    },
  });
})();

// Draws the charts whose data the page embeds with json_script (no inline scripts, no CDN).
(function () {
  const data = document.getElementById("partners-by-type-data");
  const canvas = document.getElementById("partnersByType");
  if (!data || !canvas || !window.Chart) return;
  const chart = JSON.parse(data.textContent);
  const brand = getComputedStyle(document.documentElement).getPropertyValue("--prm-brand").trim() || "#0d6efd";
  new window.Chart(canvas, {
    type: "bar",
    data: { labels: chart.labels, datasets: [{ label: "Partners", data: chart.values, backgroundColor: brand }] },
    // No animation: figures show at once (and screenshots never catch a half-drawn bar).
    options: { animation: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
})();

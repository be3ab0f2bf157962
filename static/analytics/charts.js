// The analytics charts (program dashboard and scorecards), from the data the page embeds with json_script: no inline
// scripts, no CDN. Series names come translated from the page. Each chart is drawn only when its canvas is there.
(function () {
  const source = document.getElementById("analytics-charts");
  if (!source || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  const names = data.names || {};
  const options = { animation: false, responsive: true };
  function draw(id, config) {
    const canvas = document.getElementById(id);
    if (canvas) new window.Chart(canvas, config);
  }
  if (data.revenue) {
    draw("revenueChart", {
      type: "bar",
      data: {
        labels: data.revenue.labels,
        datasets: [
          { label: names.sourced, data: data.revenue.sourced, backgroundColor: "#0d6efd" },
          { label: names.influenced, data: data.revenue.influenced, backgroundColor: "#20c997" },
        ],
      },
      options: { ...options, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
    });
  }
  if (data.pipeline) {
    draw("pipelineChart", {
      type: "bar",
      data: { labels: data.pipeline.labels, datasets: [{ label: names.pipeline, data: data.pipeline.amount, backgroundColor: "#6f42c1" }] },
      options: { ...options, indexAxis: "y", scales: { x: { beginAtZero: true } } },
    });
  }
  if (data.ttv) {
    draw("ttvChart", {
      type: "line",
      data: {
        labels: data.ttv.labels,
        datasets: [
          { label: names.registered, data: data.ttv.registered, borderColor: "#fd7e14", spanGaps: true },
          { label: names.won, data: data.ttv.won, borderColor: "#198754", spanGaps: true },
        ],
      },
      options: { ...options, scales: { y: { beginAtZero: true } } },
    });
  }
  if (data.ropi) {
    draw("ropiChart", {
      type: "bar",
      data: { labels: data.ropi.labels, datasets: [{ label: names.ropi, data: data.ropi.ropi, backgroundColor: "#198754" }] },
      options: { ...options, indexAxis: "y" },
    });
  }
})();

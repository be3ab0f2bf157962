// The onboarding progress page's chart: onboardings by state, from the data the page embeds with json_script.
(function () {
  const data = document.getElementById("onboarding-states-data");
  const canvas = document.getElementById("onboardingStates");
  if (!data || !canvas || !window.Chart) return;
  const chart = JSON.parse(data.textContent);
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: chart.labels,
      datasets: [{ label: "Onboardings", data: chart.values, backgroundColor: ["#198754", "#dc3545", "#ffc107", "#6c757d"] }],
    },
    options: { animation: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
})();

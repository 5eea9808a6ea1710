// KPI charts (ECharts); each bar or point links to the appeals behind it.
(function () {
  "use strict";
  const dataNode = document.getElementById("kpi-data");
  if (!dataNode || typeof echarts === "undefined") return;
  const data = JSON.parse(dataNode.textContent);
  const links = document.getElementById("kpi-links");
  const listUrl = links.dataset.listUrl;
  const base = new URLSearchParams(links.dataset.base);

  function go(extra) {
    const params = new URLSearchParams(base);
    Object.entries(extra).forEach(([k, v]) => params.set(k, v));
    window.location.href = listUrl + "?" + params.toString();
  }

  function lastDay(month) {
    const [y, m] = month.split("-").map(Number);
    const d = new Date(Date.UTC(y, m, 0));
    return d.toISOString().slice(0, 10);
  }

  const months = echarts.init(document.getElementById("chart-months"));
  months.setOption({
    tooltip: { trigger: "axis" },
    legend: {},
    xAxis: { type: "category", data: data.months.map((m) => m.month) },
    yAxis: { type: "value" },
    series: [
      { name: document.documentElement.lang.startsWith("zh") ? "受理" : "Received", type: "bar", data: data.months.map((m) => m.received) },
      { name: document.documentElement.lang.startsWith("zh") ? "办结" : "Closed", type: "line", data: data.months.map((m) => m.closed) },
    ],
  });
  months.on("click", (p) => {
    const month = data.months[p.dataIndex].month;
    const extra = { from: month + "-01", to: lastDay(month) };
    if (p.seriesIndex === 1) extra.state = "closed";
    go(extra);
  });

  const subjects = echarts.init(document.getElementById("chart-subjects"));
  const ranked = data.subjects.slice().reverse();
  subjects.setOption({
    tooltip: {},
    grid: { left: 140 },
    xAxis: { type: "value" },
    yAxis: { type: "category", data: ranked.map((s) => s.name) },
    series: [{ type: "bar", data: ranked.map((s) => s.n) }],
  });
  subjects.on("click", (p) => go({ subject: ranked[p.dataIndex].code }));
  window.addEventListener("resize", () => { months.resize(); subjects.resize(); });
})();

// The overview's charts (ECharts, served from static/vendor/echarts): the data comes
// from the page (json_script "chart-data"); nothing is fetched.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var charts = [];

  function make(id, option) {
    var node = document.getElementById(id);
    if (!node) return;
    var chart = window.echarts.init(node, null, { renderer: "svg" });
    chart.setOption(option);
    charts.push(chart);
  }

  var blue = "#0d6efd", green = "#198754", grey = "#6c757d", orange = "#fd7e14";
  make("chart-trend", {
    color: [grey, blue, green, orange],
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 40, right: 40, top: 40, bottom: 30 },
    xAxis: { type: "category", data: data.trend.labels },
    yAxis: [
      { type: "value", name: "件" },
      { type: "value", name: "%", min: 0, max: 100 }
    ],
    series: [
      { name: "收件", type: "bar", data: data.trend.received },
      { name: "受理", type: "bar", data: data.trend.accepted },
      { name: "办结", type: "bar", data: data.trend.concluded },
      { name: "按时办结率", type: "line", yAxisIndex: 1, data: data.trend.on_time_rate }
    ]
  });
  make("chart-channels", {
    tooltip: { trigger: "item" },
    legend: { bottom: 0 },
    series: [{ type: "pie", radius: ["35%", "65%"], data: data.channels }]
  });
  make("chart-distribution", {
    color: [blue],
    tooltip: { trigger: "axis" },
    grid: { left: 40, right: 20, top: 20, bottom: 30 },
    xAxis: { type: "category", data: data.distribution.labels },
    yAxis: { type: "value", name: "件" },
    series: [{ name: "办结件数", type: "bar", data: data.distribution.cases }]
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();

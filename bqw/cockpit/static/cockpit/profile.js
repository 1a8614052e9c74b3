/* The unit profile's values over time: one small line per indicator (the table below has the numbers). */
(function () {
  "use strict";
  function init() {
    var el = document.getElementById("profile-chart");
    var src = document.getElementById("profile-series");
    if (!el || !src || !window.echarts) return;
    var series = JSON.parse(src.textContent);
    var months = el.dataset.months.split("|");
    var chart = echarts.init(el);
    var shown = series.slice(0, 4);
    chart.setOption({
      legend: { top: 0, type: "scroll" }, grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", formatter: function (ps) {
        var k = ps[0].dataIndex;
        return months[k] + ps.map(function (p) { return "<br>" + p.seriesName + "：" + shown[p.seriesIndex].texts[k]; }).join("");
      } },
      xAxis: { type: "category", data: months, axisLabel: { fontSize: 10 } },
      yAxis: shown.map(function (s, i) { return { type: "value", scale: true, show: i < 2, position: i ? "right" : "left" }; }),
      series: shown.map(function (s, i) { return { name: s.name, type: "line", yAxisIndex: i, data: s.values }; })
    });
    el.dataset.drawn = "1";
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();

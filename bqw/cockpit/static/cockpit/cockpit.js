/* The cockpit's charts, drawn from the screen's JSON (#cp-data): the map (province, city) or ranked bars
   (county, town) coloured by target status or by the chosen indicator, and the trend with its target line.
   A click on an area, a bar or a table row drills down a level. Every chart has its table in the page. */
(function () {
  "use strict";
  var LIGHT = { green: "#188038", blue: "#1a73e8", yellow: "#f2a600", red: "#d93025", grey: "#9aa0a6" };
  var root = document.getElementById("cockpit");
  if (!root) return;
  var data = JSON.parse(document.getElementById("cp-data").textContent);
  var colour = root.dataset.colour;
  var big = root.classList.contains("big");
  var theme = big ? "dark" : null;
  var period = data.period.id;
  var charts = [];

  function go(url) { window.location.href = url + (url.indexOf("?") < 0 ? "?period=" + period : ""); }
  function byCode(code) { return data.children.find(function (r) { return r.code === code; }); }
  function tip(r) {
    if (!r) return "";
    var s = r.name + "<br>" + (data.indicator ? data.indicator.name + "：" + r.text + "<br>" : "") + "状态：" + r.label;
    if (r.rank) s += "（第 " + r.rank + " 名）";
    return s;
  }

  function drawMap(el, geo) {
    echarts.registerMap(data.region.code, geo);
    var chart = echarts.init(el, theme);
    var values = data.children.filter(function (r) { return colour !== "value" || r.value !== null; }).map(function (r) {
      var item = { name: r.code, value: r.value, label: r.name };
      if (colour !== "value") item.itemStyle = { areaColor: LIGHT[r.light] };
      return item;
    });
    var nums = data.children.map(function (r) { return r.value; }).filter(function (v) { return v !== null; });
    var option = {
      backgroundColor: "transparent",
      tooltip: { trigger: "item", formatter: function (p) { return tip(byCode(p.name)) || p.name; } },
      series: [{
        type: "map", map: data.region.code, roam: false, selectedMode: false,
        layoutCenter: ["50%", "50%"], layoutSize: "100%",
        label: { show: true, fontSize: 12, color: "#202124", textBorderColor: "#fff", textBorderWidth: 2, formatter: function (p) { var r = byCode(p.name); return r ? r.name : ""; } },
        emphasis: { label: { show: true } },
        itemStyle: { borderColor: "#fff", borderWidth: 1, areaColor: "#dadce0" },
        data: values
      }]
    };
    if (colour === "value" && nums.length) {
      option.visualMap = { min: Math.min.apply(null, nums), max: Math.max.apply(null, nums), calculable: true,
        left: 0, bottom: 0, inRange: { color: ["#e8f0fe", "#1a73e8", "#0b3d91"] },
        text: ["高", "低"], textStyle: { color: big ? "#e8eaed" : "#202124" } };
    }
    chart.setOption(option);
    chart.on("click", function (p) { var r = byCode(p.name); if (r) go(r.url); });
    el.dataset.drawn = "1";  // setOption renders synchronously
    return chart;
  }

  function drawBars(el) {
    var rows = data.children.filter(function (r) { return r.value !== null; })
      .sort(function (a, b) { return (a.rank || 0) - (b.rank || 0); });
    if (!rows.length) rows = data.children.slice();
    el.style.height = Math.max(288, rows.length * 22 + 60) + "px";
    var chart = echarts.init(el, theme);
    chart.setOption({
      backgroundColor: "transparent",
      grid: { left: 8, right: 24, top: 8, bottom: 24, containLabel: true },
      tooltip: { trigger: "item", formatter: function (p) { return tip(rows[p.dataIndex]); } },
      xAxis: { type: "value" },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.name; }),
        axisLabel: { interval: 0, fontSize: 11 } },
      series: [{ type: "bar", data: rows.map(function (r) {
        return { value: r.value === null ? 0 : r.value,
          itemStyle: { color: colour === "value" ? "#1a73e8" : LIGHT[r.light] } };
      }) }]
    });
    chart.on("click", function (p) { go(rows[p.dataIndex].url); });
    el.dataset.drawn = "1";  // setOption renders synchronously
    return chart;
  }

  function drawTrend(el, t) {
    var chart = echarts.init(el, theme);
    var series = [{ name: t.name, type: "line", data: t.values, connectNulls: false, symbolSize: 6 }];
    if (t.expected) series.push({ name: "预期进度", type: "line", data: t.expected, lineStyle: { type: "dashed" },
      symbol: "none" });
    if (t.target) series[0].markLine = { symbol: "none", lineStyle: { color: LIGHT.red },
      label: { formatter: "目标 " + t.target.text }, data: [{ yAxis: t.target.value }] };
    chart.setOption({
      backgroundColor: "transparent",
      legend: { top: 0 }, grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", formatter: function (ps) {
        var k = ps[0].dataIndex; return t.labels[k] + "<br>" + t.name + "：" + t.texts[k]; } },
      xAxis: { type: "category", data: t.labels, axisLabel: { fontSize: 10 } },
      yAxis: { type: "value", scale: true },
      series: series
    });
    return chart;
  }

  function init() {
    var el = document.getElementById("cp-map");
    if (el) {
      if (data.map) {
        fetch(data.map.url, { credentials: "same-origin" }).then(function (r) { return r.json(); })
          .then(function (geo) { charts.push(drawMap(el, geo)); })
          .catch(function () { charts.push(drawBars(el)); });
      } else {
        charts.push(drawBars(el));
      }
    }
    var tr = document.getElementById("cp-trend");
    if (tr && data.trend) charts.push(drawTrend(tr, data.trend));
    document.querySelectorAll(".cp-row").forEach(function (row) {
      row.addEventListener("click", function (e) { if (e.target.tagName !== "A") go(row.dataset.url); });
    });
    var month = document.getElementById("cp-month");
    if (month) month.addEventListener("change", function () {
      var form = document.getElementById("cp-form");
      form.elements.period.value = month.value.replace("-", "");
      form.submit();
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    var refresh = parseInt(root.dataset.refresh || "0", 10);
    if (refresh > 0) setTimeout(function () { window.location.reload(); }, refresh * 1000);
    if (big) {
      var btn = document.createElement("button");
      btn.type = "button"; btn.textContent = "全屏"; btn.id = "cp-fullscreen";
      btn.addEventListener("click", function () {
        if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen();
      });
      document.querySelector(".cp-links").prepend(btn);
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();

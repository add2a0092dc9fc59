// Pictures of the web workspace, drawn from JSON data blocks the server escaped
// (no inline scripts: the Content-Security-Policy allows scripts from this site only).
"use strict";

function readData(id) {
  const block = document.getElementById(id);
  return block ? JSON.parse(block.textContent) : null;
}

function drawPaths() {
  const data = readData("path-graph-data");
  const box = document.getElementById("path-graph");
  if (!data || !box || typeof cytoscape === "undefined") return;
  cytoscape({
    container: box,
    elements: data,
    layout: { name: "preset", fit: true, padding: 40 },
    userZoomingEnabled: true,
    style: [
      { selector: "node", style: {
          "label": "data(label)", "font-size": 13, "text-valign": "bottom", "text-margin-y": 6,
          "text-wrap": "wrap", "text-max-width": 150, "width": 22, "height": 22,
          "background-color": "#98a2b3", "font-family": "Noto Sans CJK SC, Microsoft YaHei, sans-serif" } },
      { selector: "node[kind = 'introducer']", style: { "background-color": "#067647", "shape": "round-rectangle" } },
      { selector: "node[kind = 'target']", style: { "background-color": "#b42318", "shape": "star", "width": 30, "height": 30 } },
      { selector: "edge", style: {
          "label": "data(label)", "font-size": 11, "curve-style": "bezier", "width": 2,
          "line-color": "#c5ccd6", "target-arrow-shape": "triangle", "target-arrow-color": "#c5ccd6",
          "text-background-color": "#ffffff", "text-background-opacity": 1, "text-background-padding": 2,
          "font-family": "Noto Sans CJK SC, Microsoft YaHei, sans-serif" } },
    ],
  });
}

function drawFactors() {
  const data = readData("factor-chart-data");
  const box = document.getElementById("factor-chart");
  if (!data || !box || typeof echarts === "undefined") return;
  box.style.height = (80 + 34 * data.firms.length) + "px";
  const chart = echarts.init(box);
  chart.setOption({
    animation: false,
    textStyle: { fontFamily: "Noto Sans CJK SC, Microsoft YaHei, sans-serif" },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 8, right: 32, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: "value" },
    yAxis: { type: "category", inverse: true, data: data.firms, axisLabel: { width: 180, overflow: "truncate" } },
    series: data.series.map((s) => ({ name: s.name, type: "bar", stack: "score", data: s.data })),
  });
  window.addEventListener("resize", () => chart.resize());
}

function drawProgress() {
  const data = readData("progress-chart-data");
  const box = document.getElementById("progress-chart");
  if (!data || !box || typeof echarts === "undefined") return;
  box.style.height = (90 + 40 * data.units.length) + "px";
  const chart = echarts.init(box);
  chart.setOption({
    animation: false,
    textStyle: { fontFamily: "Noto Sans CJK SC, Microsoft YaHei, sans-serif" },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v) => (v === null ? "无目标" : v + "%") },
    legend: { top: 0 },
    grid: { left: 8, right: 48, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
    yAxis: { type: "category", inverse: true, data: data.units, axisLabel: { width: 160, overflow: "truncate" } },
    series: [
      { name: "对任务目标", type: "bar", data: data.city,
        markLine: { symbol: "none", label: { formatter: "时序进度 " + data.time + "%" }, data: [{ xAxis: data.time }] } },
      { name: "对自定目标", type: "bar", data: data.own },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
}

document.addEventListener("DOMContentLoaded", () => { drawPaths(); drawFactors(); drawProgress(); });

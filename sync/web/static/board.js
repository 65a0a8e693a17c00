// The board's and the rep page's only script: bars drawn from their data-* values,
// the ECharts chart, the live updates (server-sent events), and the Refresh form.
// No words here: every message comes from the server in the team's language.
"use strict";

function drawBars(root) {
  root.querySelectorAll("[data-w]").forEach((el) => { el.style.width = el.dataset.w + "%"; });
  root.querySelectorAll("[data-x]").forEach((el) => { el.style.left = el.dataset.x + "%"; });
}

let chart = null;
function drawChart() {
  const el = document.getElementById("chart");
  if (chart) { chart.dispose(); chart = null; }
  if (!el || !window.echarts) { return; }
  const data = JSON.parse(el.dataset.chart);
  chart = window.echarts.init(el, "dark", { renderer: "canvas" });
  chart.setOption({
    backgroundColor: "transparent",
    animation: false,
    grid: { left: 70, right: 20, top: 30, bottom: 20 },
    legend: { data: [data.actualName, data.dueName], textStyle: { fontSize: 16 } },
    xAxis: { type: "value" },
    yAxis: { type: "category", inverse: true, data: data.reps, axisLabel: { fontSize: 16 } },
    series: [
      { name: data.actualName, type: "bar", data: data.actual, itemStyle: { color: "#f5b700" } },
      { name: data.dueName, type: "scatter", symbol: "rect", symbolSize: [4, 22],
        data: data.due, itemStyle: { color: "#e0e0e0" } },
    ],
  });
}

function show(root) {
  drawBars(root);
  if (root.id === "board") { drawChart(); }
}

function listen() {
  const board = document.getElementById("board");
  const rep = document.getElementById("rep");
  const root = board || rep;
  if (!root) { return; }
  const events = new EventSource("/events");
  events.onmessage = async (message) => {
    const update = JSON.parse(message.data);
    if (board) {
      board.innerHTML = update.html;
    } else {
      const part = await fetch(rep.dataset.part, { credentials: "same-origin" });
      if (!part.ok) { return; }
      rep.innerHTML = await part.text();
    }
    root.dataset.version = String(update.version);
    show(root);
  };
  events.onopen = () => { document.body.classList.remove("offline"); };
  events.onerror = () => { document.body.classList.add("offline"); };
}

function refreshForm() {
  const form = document.getElementById("refresh");
  if (!form) { return; }
  const status = document.getElementById("refresh-status");
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const code = document.getElementById("refresh-code");
    const answer = await fetch("/refresh", {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body: JSON.stringify({ code: code.value }),
    });
    const body = await answer.json();
    status.textContent = body.message;
    status.dataset.status = String(answer.status);
    code.value = "";
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("board") || document.getElementById("rep") || document.body;
  show(root);
  listen();
  refreshForm();
});

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
  const size = Math.max(12, Math.round(window.innerWidth / 80)); // the TV's size, as the CSS
  chart = window.echarts.init(el, "dark", { renderer: "canvas" });
  chart.setOption({
    backgroundColor: "transparent",
    animation: false,
    grid: { containLabel: true, left: size / 2, right: size, top: size * 2, bottom: size / 2 },
    legend: { data: [data.actualName, data.dueName], textStyle: { fontSize: size } },
    xAxis: { type: "value", axisLabel: { fontSize: size * 0.8 } },
    yAxis: { type: "category", inverse: true, data: data.reps, axisLabel: { fontSize: size } },
    series: [
      { name: data.actualName, type: "bar", data: data.actual, barMaxWidth: size * 2,
        itemStyle: { color: "#f5b700" } },
      { name: data.dueName, type: "scatter", symbol: "rect", symbolSize: [4, size * 1.5],
        data: data.due, itemStyle: { color: "#e0e0e0" } },
    ],
  });
}

// A list longer than its box (praise, under target) loses items from the end of its
// longest group (the later one of two as long), one at a time, until it fits; each cut group says how many it lost
// (the server's words, "还有 {n} 人"). No one is dropped without being counted.
function fit(section) {
  const box = section.querySelector(".groups");
  const groups = Array.from(box.querySelectorAll(".group"));
  groups.forEach((group) => {
    group.querySelectorAll(".item").forEach((item) => { item.hidden = false; });
    group.querySelector(".more").hidden = true;
  });
  const shown = (group) => Array.from(group.querySelectorAll(".item:not([hidden])"));
  while (box.scrollHeight > box.clientHeight) {
    const longest = groups.map((group, at) => ({ group, at, items: shown(group) }))
      .filter((g) => g.items.length > 0)
      .sort((a, b) => b.items.length - a.items.length || b.at - a.at)[0];
    if (!longest) { return; }
    longest.items[longest.items.length - 1].hidden = true;
    const more = longest.group.querySelector(".more");
    const cut = longest.group.querySelectorAll(".item[hidden]").length;
    more.textContent = section.dataset.more.replace("{n}", String(cut));
    more.hidden = false;
  }
}

function show(root) {
  drawBars(root);
  if (root.id === "board") {
    root.querySelectorAll("section.fit").forEach(fit);
    drawChart();
  }
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
  window.addEventListener("resize", () => { show(root); });
  listen();
  refreshForm();
});

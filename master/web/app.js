// The dpfw dashboard: renders each Snapshot that /events sends. All
// text from the cluster (sources, errors, host names) goes in through
// textContent, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  return e;
}

function bytes(n) {
  if (!n) return "–";
  const u = ["B", "KiB", "MiB", "GiB"];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
  return n.toFixed(i ? 1 : 0) + " " + u[i];
}

function secs(s) {
  if (s < 1) return (s * 1000).toFixed(0) + " ms";
  if (s < 60) return s.toFixed(1) + " s";
  const m = Math.floor(s / 60);
  if (m < 60) return m + " min " + Math.floor(s % 60) + " s";
  return Math.floor(m / 60) + " h " + (m % 60) + " min";
}

function ms(x) {
  if (x >= 1000) return (x / 1000).toFixed(2) + " s";
  if (x >= 10) return x.toFixed(0) + " ms";
  return x.toFixed(2) + " ms";
}

function when(t) { return new Date(t).toLocaleTimeString(); }

function running(r) {
  if (!r) return "";
  const box = el("div", {}, el("span", { class: "src" }, r.src), " ", el("span", { class: "muted" }, secs(r.elapsed_s)));
  if (r.has_progress) {
    const p = el("progress", { value: String(r.done) });
    if (r.total > 0) p.setAttribute("max", String(r.total)); else p.removeAttribute("value");
    box.append(el("div", { class: "prog" }, p, " ", r.total > 0 ? `${r.done}/${r.total}` : `${r.done}`));
  }
  return box;
}

function renderSlaves(slaves) {
  const body = $("slaves").querySelector("tbody");
  body.replaceChildren(...slaves.map((s) => el("tr", { "data-slave": s.id, "data-state": s.state, class: s.state },
    el("td", {}, el("b", {}, s.id), s.name ? " " + s.name : ""),
    el("td", {}, s.host || "?", el("div", { class: "muted" }, s.addr)),
    el("td", { class: "num" }, s.pid),
    el("td", {}, el("span", { class: "state " + s.state }, s.state)),
    el("td", { class: "num" }, s.tasks),
    el("td", { class: "running" }, running(s.running)),
    el("td", { class: "err" }, s.last_error ? s.last_error.error : ""),
    el("td", { class: "num" }, bytes(s.rss)),
  )));
  $("no-slaves").classList.toggle("hidden", slaves.length > 0);
}

function jobProgress(j) {
  if (!j.has_progress) return "";
  const p = el("progress", { value: String(j.done) });
  if (j.total > 0) p.setAttribute("max", String(j.total)); else p.removeAttribute("value");
  return el("div", { class: "prog" }, p, " ", j.progress);
}

function renderJobs(js) {
  const body = $("jobs").querySelector("tbody");
  body.replaceChildren(...js.map((j) => el("tr", { "data-job": j.id, "data-state": j.state },
    el("td", {}, el("b", {}, j.id), el("div", { class: "muted" }, j.handle)),
    el("td", {}, j.node, j.slave ? el("div", { class: "muted" }, j.slave + " · engine " + j.engine) : ""),
    el("td", {}, el("span", { class: "state " + j.state }, j.state)),
    el("td", { class: "running" }, jobProgress(j)),
    el("td", { class: "num" }, secs(j.age_s), j.took_s ? el("div", { class: "muted" }, "ran " + secs(j.took_s)) : ""),
    el("td", { class: "err" }, j.error || ""),
  )));
  $("no-jobs").classList.toggle("hidden", js.length > 0);
}

function renderFailures(fs) {
  const body = $("failures").querySelector("tbody");
  body.replaceChildren(...fs.map((f) => el("tr", {},
    el("td", {}, when(f.at)), el("td", {}, f.slave || ""), el("td", {}, f.kind),
    el("td", { class: "err" }, f.error), el("td", {}, el("span", { class: "src" }, f.src || "")))));
  $("no-failures").classList.toggle("hidden", fs.length > 0);
}

const SVG = "http://www.w3.org/2000/svg";

function svgEl(tag, attrs) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

function chart(svg, points, value, fail) {
  const w = 600, h = 90, n = points.length || 1, bw = w / n;
  const peak = Math.max(1e-9, ...points.map(value));
  const kids = [svgEl("line", { class: "axis", x1: 0, y1: h - 0.5, x2: w, y2: h - 0.5 })];
  points.forEach((p, i) => {
    const v = value(p);
    if (v <= 0) return;
    const bh = Math.max(1, (v / peak) * (h - 4));
    kids.push(svgEl("rect", { class: "bar", x: i * bw + 0.5, y: h - bh, width: Math.max(1, bw - 1), height: bh }));
    if (fail && fail(p) > 0) {
      const fh = Math.max(1, (fail(p) / peak) * (h - 4));
      kids.push(svgEl("rect", { class: "bar fail", x: i * bw + 0.5, y: h - fh, width: Math.max(1, bw - 1), height: fh }));
    }
  });
  svg.replaceChildren(...kids);
  return peak;
}

function render(s) {
  $("version").textContent = s.version;
  $("uptime").textContent = "up " + secs(s.uptime_s);
  const live = s.slaves.filter((x) => x.state !== "dead");
  $("c-slaves").textContent = live.length + (live.length !== s.slaves.length ? ` (+${s.slaves.length - live.length} dead)` : "");
  $("c-busy").textContent = s.running;
  $("c-queue").textContent = s.queue;
  const last = s.history.length ? s.history[s.history.length - 1] : null;
  $("c-rate").textContent = last ? last.per_s.toFixed(last.per_s < 10 ? 1 : 0) : "0";
  $("c-lat").textContent = last && last.tasks ? ms(last.mean_ms) : "–";
  $("c-tasks").textContent = s.tasks;
  $("c-failed").textContent = s.failed;
  const pr = chart($("chart-rate"), s.history, (p) => p.per_s, (p) => p.failed / 10);
  $("peak-rate").textContent = "peak " + pr.toFixed(1);
  const pl = chart($("chart-lat"), s.history, (p) => p.mean_ms);
  $("peak-lat").textContent = "peak " + ms(pl);
  renderSlaves(s.slaves);
  renderJobs(s.jobs || []);
  renderFailures(s.failures);
  document.body.dataset.updated = s.time;
}

function connect() {
  const es = new EventSource("/events");
  es.onopen = () => { $("conn").textContent = "live"; $("conn").className = "conn on"; };
  es.onerror = () => { $("conn").textContent = "disconnected: retrying…"; $("conn").className = "conn off"; };
  es.onmessage = (m) => render(JSON.parse(m.data));
}

connect();

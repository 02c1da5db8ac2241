// The run's charts, drawn with uPlot (vendored, global `uPlot`): throughput and errors (rps),
// latency p50/p95/p99 (ms), and two charts of a per-node metric picked from a list, one point per
// second of simulated time.
//
// A run's figures live in a plain object of columns (`RunData`: `t`, one array per overall series,
// and one array per field of each node's and each client's window), filled either window by
// window while the run goes (`appendWindow`) or at once from a finished run's
// `results.timeseries` (`dataFromTimeseries`). Appending costs an array push; the redraw
// (`setData`) is asked for with `update()` and happens at most once per animation frame, so a run
// at full speed, which closes hundreds of windows a second, still draws about 60 times a second.
//
// What a per-node chart can show is not written here: the pickers list the window metrics that
// the kinds of the drawn document declare in the schema (metrics.js), with their
// label, unit and meaning. A metric the engine starts to report is in the pickers with no change
// here.
//
// A document with several clients is several systems side by side (hot vs cold, round robin vs
// least connections): throughput, errors and latency are then drawn per client, one line each,
// labelled with the client's label, instead of one merged line. Charts draw one run, or two side
// by side for a comparison (run B lighter and dashed).
//
// Marks (scenario events, faults injected live, failovers' takeovers) are vertical lines on every
// chart at their simulated second, each with a short label.

import { loadMetrics } from "./metrics.js";
import { formatFigure, formatInstant, formatTick } from "./numbers.js";

const uPlot = window.uPlot;

const NODE_COLORS = [
  "#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d",
  "#ea580c", "#4f46e5", "#0d9488", "#be123c",
]; // prettier-ignore
// One hue per client (system), none of them the red of errors.
const CLIENT_COLORS = ["#2563eb", "#d97706", "#16a34a", "#7c3aed", "#0891b2", "#db2777", "#65a30d", "#4f46e5"];
const MARK_COLORS = { fail: "#dc2626", partition: "#dc2626", recover: "#15803d", heal: "#15803d", slow: "#d97706",
  set: "#2563eb", failover: "#7c3aed" }; // prettier-ignore
const MARK_WORDS = { partition: "cut", failover: "takeover" };
const CHART_HEIGHT = 150;
const NODE_CHARTS = 2;
// The metric each per-node chart opens on when the document's kinds declare it (a preference, not
// a list of what can be charted: that comes from the declarations).
const FIRST_PICKS = ["utilization", "queue_len"];

// The overall series of a window and of `timeseries`, and what a client's window carries.
const TOTALS = { throughput: "throughput_rps", errors: "errors_rps", p50: "latency_p50_ms", p95: "latency_p95_ms",
  p99: "latency_p99_ms" }; // prettier-ignore

/** Empty columns for a run of these nodes. */
export function emptyData(nodeIds = []) {
  const data = { t: [], throughput: [], errors: [], p50: [], p95: [], p99: [], hasP95: false };
  data.nodes = Object.fromEntries(nodeIds.map((id) => [id, {}]));
  data.nodeIds = [...nodeIds];
  data.clients = {};
  data.clientIds = [];
  return data;
}

function numberOrNull(value) {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/**
 * Appends one window of a group (`window.nodes` or `window.clients`): every number it carries
 * becomes a column; a column new to the run is padded with gaps for the seconds before it, and a
 * column the window does not mention gets a gap.
 */
function appendGroup(groups, ids, incoming, length) {
  for (const [id, fields] of Object.entries(incoming || {})) {
    let group = groups[id];
    if (!group) {
      group = groups[id] = {};
      ids.push(id);
    }
    for (const [field, value] of Object.entries(fields || {})) {
      if (typeof value !== "number") continue;
      if (!group[field]) group[field] = new Array(length - 1).fill(null);
      group[field].push(numberOrNull(value));
    }
  }
  for (const id of ids) {
    for (const column of Object.values(groups[id])) if (column.length < length) column.push(null);
  }
}

/** Adds one metrics window (spec/api.md) at simulated second `t`. */
export function appendWindow(data, t, window) {
  data.t.push(t);
  for (const [column, field] of Object.entries(TOTALS)) data[column].push(numberOrNull(window[field]));
  if (window.latency_p95_ms !== undefined) data.hasP95 = true;
  appendGroup(data.nodes, data.nodeIds, window.nodes, data.t.length);
  appendGroup(data.clients, data.clientIds, window.clients, data.t.length);
}

/** A finished run's `results.timeseries`: the overall series and, when it has them, each client's. */
export function dataFromTimeseries(timeseries) {
  const data = emptyData([]);
  const series = timeseries || {};
  const t = Array.isArray(series.t_s) ? series.t_s : [];
  const column = (values) => t.map((_, index) => numberOrNull((values || [])[index]));
  data.t = [...t];
  for (const [name, field] of Object.entries(TOTALS)) data[name] = column(series[field]);
  data.hasP95 = Array.isArray(series.latency_p95_ms);
  for (const [groupName, idsName] of [["clients", "clientIds"], ["nodes", "nodeIds"]]) {
    for (const [id, fields] of Object.entries(series[groupName] || {})) {
      data[groupName][id] = Object.fromEntries(
        Object.entries(fields || {}).filter(([, values]) => Array.isArray(values)).map(([field, values]) => [field, column(values)]),
      ); // prettier-ignore
      data[idsName].push(id);
    }
  }
  return data;
}

/** A column as long as the time axis (a series the windows never carried is all gaps). */
function fit(column, length) {
  if (column.length === length) return column;
  return Array.from({ length }, (_, index) => column[index] ?? null);
}

/** A second with no successful request has no latency to show: a gap, not a drop to zero. */
function servedOnly(latency, throughput) {
  return latency.map((value, index) => (throughput[index] === 0 ? null : value));
}

/** Two runs on one x axis (seconds 1..longest): each column padded with gaps. */
function aligned(runs) {
  const lastT = Math.max(0, ...runs.map((run) => (run.data.t.length ? run.data.t[run.data.t.length - 1] : 0)));
  const firstT = Math.min(...runs.map((run) => (run.data.t.length ? run.data.t[0] : 1)), 1);
  const t = [];
  for (let second = firstT; second <= lastT; second += 1) t.push(second);
  const index = runs.map((run) => new Map(run.data.t.map((second, i) => [second, i])));
  const pick = (runIndex, column) => t.map((second) => {
    const i = index[runIndex].get(second);
    return i === undefined ? null : column[i] ?? null;
  }); // prettier-ignore
  return { t, pick };
}

/** "fail db-hot", "takeover standby-cold": a mark's words on a chart, kept short. */
export function markLabel(mark) {
  if (mark.action === "failover" && mark.tookOver === false) return `no takeover ${shorten(String(mark.standby))}`;
  const who = String(mark.action === "failover" && mark.standby !== undefined ? mark.standby : mark.target);
  return `${MARK_WORDS[mark.action] || mark.action} ${shorten(who)}`;
}

function shorten(text) {
  return text.length > 14 ? `${text.slice(0, 13)}…` : text;
}

function marksPlugin(getMarks, drawn) {
  return {
    hooks: {
      draw: (chart) => {
        const marks = getMarks();
        drawn.length = 0;
        if (!marks.length) return;
        const { ctx } = chart;
        const { left, top, width, height } = chart.bbox;
        const ratio = devicePixelRatio;
        // Marks at the same pixel share one line and one label ("fail db-hot +1").
        const byX = new Map();
        for (const mark of marks) {
          const x = Math.round(chart.valToPos(mark.at_s, "x", true));
          if (x < left || x > left + width) continue;
          const key = `${x}|${mark.action}`;
          if (!byX.has(key)) byX.set(key, { x, mark, more: 0 });
          else byX.get(key).more += 1;
        }
        const groups = [...byX.values()].sort((a, b) => a.x - b.x);
        ctx.save();
        ctx.lineWidth = Math.max(1, ratio);
        ctx.font = `${10 * ratio}px system-ui, sans-serif`;
        ctx.textBaseline = "top";
        ctx.textAlign = "left"; // uPlot leaves its last axis's alignment on the context
        const rowEnds = []; // the right end of the last label in each row, so labels never overlap
        for (const { x, mark, more } of groups) {
          const color = MARK_COLORS[mark.action] || "#64748b";
          ctx.strokeStyle = color;
          ctx.setLineDash([4 * ratio, 3 * ratio]);
          ctx.beginPath();
          ctx.moveTo(x, top);
          ctx.lineTo(x, top + height);
          ctx.stroke();
          const text = `${markLabel(mark)}${more ? ` +${more}` : ""}`;
          const textWidth = ctx.measureText(text).width;
          // Right of the line, or left of it when it would leave the plot (and never out of it).
          const rightOf = x + 3 * ratio;
          const textX = rightOf + textWidth > left + width ? Math.max(left, x - 3 * ratio - textWidth) : rightOf;
          let row = rowEnds.findIndex((end) => end < textX);
          if (row < 0) row = rowEnds.length;
          rowEnds[row] = textX + textWidth + 4 * ratio;
          const textY = top + 2 * ratio + row * 12 * ratio;
          ctx.fillStyle = "rgba(255, 255, 255, .85)";
          ctx.fillRect(textX - ratio, textY - ratio, textWidth + 2 * ratio, 12 * ratio);
          ctx.fillStyle = color;
          ctx.fillText(text, textX, textY);
          drawn.push({ at_s: mark.at_s, x: x / ratio, label: text });
        }
        ctx.restore();
      },
    },
  };
}

function lighter(color) {
  const rgb = [1, 3, 5].map((start) => parseInt(color.slice(start, start + 2), 16));
  return `#${rgb.map((value) => Math.round(value + (255 - value) * 0.45).toString(16).padStart(2, "0")).join("")}`;
}

/** "Latency (ms)", "Utilisation (%)", "Instances" (not "Instances (instances)"). */
function titleWithUnit(title, unit) {
  const shown = unit === "ratio" ? "%" : unit || "";
  return shown && !title.toLowerCase().includes(shown.toLowerCase()) ? `${title} (${shown})` : title;
}

function largestOf(splits) {
  return Math.max(0, ...splits.map((tick) => Math.abs(tick ?? 0)));
}

/** A chart's y values in the legend: "434 rps", "12.3 ms", "85.2%". */
function legendValue(unit) {
  if (unit === "ratio") return (value) => formatFigure(value / 100, "ratio");
  return (value) => formatFigure(value, unit);
}

export class RunCharts {
  /** container: the element that holds the charts. */
  constructor(container) {
    this.container = container;
    this.runs = [];
    this.charts = [];
    this.marks = [];
    this.frame = 0;
    this.firstPointAt = null; // performance.now() when the first point was drawn
    this.declarations = null; // {kind: {in, window, summary}} once the schema is read
    this.watched = () => []; // the watch list of the document in the editor (set by its owner)
    this.picked = []; // the metric the user chose in each per-node chart's picker (kept across runs)
    this.resizer = new ResizeObserver(() => this.resize());
    this.resizer.observe(container);
    loadMetrics().then((catalog) => {
      this.declarations = catalog.kinds;
      if (this.runs.length) this.show(this.runs);
    });
  }

  /**
   * Draws these runs: [{label, data, document}] (one, or two to compare: the second dashed); the
   * document names the run's clients and nodes and their kinds. Their data may keep growing: call
   * update() after appending.
   */
  show(runs) {
    this.destroy();
    this.runs = runs;
    this.firstPointAt = null;
    const clients = this.clients();
    const specs =
      clients.length > 1
        ? [this.perClientSpec("throughput", clients), this.perClientSpec("errors", clients), this.latencySpec(clients)]
        : [this.rateSpec(), this.latencySpec([])];
    const choices = this.nodeMetricChoices();
    this.shown = []; // the metric each per-node chart shows
    if (choices.length) {
      for (let slot = 0; slot < Math.min(NODE_CHARTS, choices.length); slot += 1) specs.push(this.nodeSpec(slot, choices));
    } else {
      specs.push({ empty: "Per-node series are streamed live only; this run's results keep the totals." });
    }
    this.container.dataset.charts = String(specs.length);
    this.container.dataset.clients = String(Math.max(1, clients.length));
    for (const spec of specs) this.charts.push(this.build(spec));
    this.shownShape = this.shape();
    this.redraw();
  }

  documents() {
    return this.runs.map((run) => run.document).filter((document_) => document_ && Array.isArray(document_.nodes));
  }

  /**
   * What the series to draw depend on besides the documents: a p95 the windows turn out to carry,
   * clients they name, and (without declarations) the fields they carry. When it changes as
   * windows come in, the charts are laid out again.
   */
  shape() {
    const fields = this.declared() ? 0 : this.undeclaredFields().length;
    return this.runs.map((run) => `${run.data.hasP95}|${run.data.clientIds.length}|${fields}`).join(",");
  }

  /** Whether the schema declares window metrics (a schema from before the declarations does not). */
  declared() {
    return Object.values(this.declarations || {}).some((kind) => kind.window.length);
  }

  /** The kinds whose metrics are per client (the schema says `in: "clients"`). */
  clientKinds() {
    const declarations = this.declarations || {};
    return new Set(Object.keys(declarations).filter((kind) => declarations[kind].in === "clients"));
  }

  /** The clients drawn, in the document's order: [{id, label}], with those the windows name. */
  clients() {
    const kinds = this.clientKinds();
    const seen = new Map();
    for (const document_ of this.documents()) {
      for (const node of document_.nodes) {
        if (kinds.has(node.kind) && !seen.has(node.id)) seen.set(node.id, node.label || node.id);
      }
    }
    for (const run of this.runs) for (const id of run.data.clientIds || []) if (!seen.has(id)) seen.set(id, id);
    // Two clients with one label would be two lines with one name: those go by their ids.
    const counts = new Map();
    for (const label of seen.values()) counts.set(String(label), (counts.get(String(label)) || 0) + 1);
    return [...seen].map(([id, label]) => {
      const text = String(label);
      return { id: String(id), label: counts.get(text) > 1 ? String(id) : text };
    });
  }

  /** The window fields the nodes' data carry (for a schema that declares none). */
  undeclaredFields() {
    const fields = new Set();
    for (const run of this.runs) for (const id of run.data.nodeIds) for (const field of Object.keys(run.data.nodes[id] || {})) fields.add(field);
    return [...fields];
  }

  /**
   * What the per-node charts can show: [{name, label, unit, help, in, kinds}], each window metric
   * declared by a kind in the drawn documents, once, in the documents' order.
   */
  nodeMetricChoices() {
    const declarations = this.declarations || {};
    const choices = new Map();
    for (const document_ of this.documents()) {
      for (const node of document_.nodes) {
        const declared = declarations[node.kind];
        // A client's window metrics are the per-client lines of the charts above.
        if (!declared || declared.in === "clients") continue;
        for (const metric of declared.window) {
          const key = `${declared.in}|${metric.name}`;
          if (!choices.has(key)) choices.set(key, { ...metric, in: declared.in, kinds: new Set() });
          choices.get(key).kinds.add(node.kind);
        }
      }
    }
    if (this.declared()) return [...choices.values()];
    // A schema from before the declarations: whatever numbers the windows carry, by field name.
    return this.undeclaredFields().map((name) => ({ name, label: name.replace(/_/g, " "), unit: "", help: "", in: "nodes", kinds: null }));
  }

  /** The series of one line per run (and per client when there are several). */
  lines(clients, build) {
    const series = [];
    const compare = this.runs.length > 1;
    this.runs.forEach((run, runIndex) => {
      const dash = runIndex === 1 ? [6, 4] : undefined;
      const runTag = compare ? `${run.label} ` : "";
      if (!clients.length) {
        series.push(...build({ runIndex, dash, tag: runTag, client: null, color: null }));
        return;
      }
      clients.forEach((client, position) => {
        const color = CLIENT_COLORS[position % CLIENT_COLORS.length];
        series.push(...build({ runIndex, dash, tag: `${runTag}${client.label}`, client, color }));
      });
    });
    return series;
  }

  /** Throughput and errors per second, for the whole document (one client). */
  rateSpec() {
    const series = this.lines([], ({ runIndex, dash, tag }) => [
      { label: `${tag}throughput`, stroke: "#2563eb", width: 2, dash, run: runIndex, column: (data) => data.throughput },
      { label: `${tag}errors`, stroke: "#dc2626", width: 2, dash, run: runIndex, column: (data) => data.errors },
    ]); // prettier-ignore
    return { title: "Throughput and errors", testid: "chart-rates", unit: "rps", series };
  }

  /** Throughput or errors, one line per client. */
  perClientSpec(which, clients) {
    const field = TOTALS[which];
    const series = this.lines(clients, ({ runIndex, dash, tag, client, color }) => [
      { label: tag, stroke: color, width: 2, dash, run: runIndex, client: client.id,
        column: (data) => (data.clients[client.id] || {})[field] || [] },
    ]); // prettier-ignore
    const testid = which === "throughput" ? "chart-rates" : "chart-errors";
    return { title: which === "throughput" ? "Throughput per client" : "Errors per client", testid, unit: "rps", series };
  }

  /** Latency p50/p95/p99 of the whole document, or p50 and p99 per client. */
  latencySpec(clients) {
    if (!clients.length) {
      const series = this.lines([], ({ runIndex, dash, tag }) => {
        const run = this.runs[runIndex];
        const lines = [{ label: `${tag}p50`, stroke: "#16a34a", width: 1.6, dash, run: runIndex, column: (data) => servedOnly(data.p50, data.throughput) }];
        if (run.data.hasP95 || run.data.p95.some((value) => value !== null)) {
          lines.push({ label: `${tag}p95`, stroke: "#d97706", width: 1.6, dash, run: runIndex, column: (data) => servedOnly(data.p95, data.throughput) });
        }
        lines.push({ label: `${tag}p99`, stroke: "#dc2626", width: 2, dash, run: runIndex, column: (data) => servedOnly(data.p99, data.throughput) });
        return lines;
      }); // prettier-ignore
      return { title: "Latency", testid: "chart-latency", unit: "ms", series };
    }
    const series = this.lines(clients, ({ runIndex, dash, tag, client, color }) => {
      const of = (data, field) => (data.clients[client.id] || {})[field] || [];
      const served = (field) => (data) => servedOnly(of(data, field), of(data, TOTALS.throughput));
      return [
        { label: `${tag} p50`, stroke: lighter(color), width: 1.4, dash, run: runIndex, client: client.id, column: served(TOTALS.p50) },
        { label: `${tag} p99`, stroke: color, width: 2, dash, run: runIndex, client: client.id, column: served(TOTALS.p99) },
      ];
    }); // prettier-ignore
    return { title: "Latency p50 (light) and p99", testid: "chart-latency", unit: "ms", series };
  }

  /** Per-node chart number `slot`, showing the metric its picker holds. */
  nodeSpec(slot, choices) {
    // The user's pick; else a metric the document says to watch (a preset's `watch` list); else
    // what the charts open on, when the document has it; else the declarations' order (each time
    // a metric another chart does not show already).
    const taken = new Set(this.shown.slice(0, slot));
    const free = choices.filter((choice) => !taken.has(choice.name));
    const preferred = [...this.watchedNodeMetrics(), FIRST_PICKS[slot]];
    const metric =
      choices.find((choice) => choice.name === this.picked[slot]) ||
      preferred.map((name) => free.find((choice) => choice.name === name)).find(Boolean) ||
      free.find((choice) => !FIRST_PICKS.includes(choice.name)) ||
      free[0] ||
      choices[0];
    this.shown[slot] = metric.name;
    const targets = this.metricTargets(metric);
    const scale = metric.unit === "ratio" ? 100 : 1;
    const series = [];
    this.runs.forEach((run, runIndex) => {
      const dash = runIndex === 1 ? [6, 4] : undefined;
      targets.forEach((target, position) => {
        series.push({
          label: this.runs.length > 1 ? `${run.label} ${target.label}` : target.label,
          stroke: NODE_COLORS[position % NODE_COLORS.length],
          width: 1.5,
          dash,
          run: runIndex,
          column: (data) => {
            const column = (data[metric.in][target.id] || {})[metric.name] || [];
            return scale === 1 ? column : column.map((value) => (value === null ? null : value * scale));
          },
        });
      });
    });
    return {
      title: metric.label,
      testid: `chart-${metric.name}`,
      unit: metric.unit || "",
      help: metric.help || "",
      series,
      range: metric.unit === "ratio" ? [0, 100] : null,
      picker: { slot, choices, chosen: metric.name },
      empty: targets.length ? null : "No component of this run reports it.",
    };
  }

  /**
   * The window metrics a preset's `watch` list names for nodes, in its order (a watched summary
   * figure such as "replication_lag_ms.mean" names the window metric "replication_lag_ms").
   */
  watchedNodeMetrics() {
    const lists = [this.watched(), ...this.documents().map((document_) => document_.watch)];
    const names = [];
    for (const entry of lists.flatMap((list) => (Array.isArray(list) ? list : []))) {
      if (entry && entry.node !== undefined && typeof entry.metric === "string") names.push(entry.metric.split(".")[0]);
    }
    return names;
  }

  /** The nodes (or clients) a metric is drawn for: those whose kind declares it. */
  metricTargets(metric) {
    const targets = new Map();
    for (const document_ of this.documents()) {
      for (const node of document_.nodes) {
        if (metric.kinds && metric.kinds.has(node.kind) && !targets.has(node.id)) {
          // Clients go by their label (they name a system); other nodes by their id, which is unique.
          targets.set(node.id, metric.in === "clients" ? node.label || node.id : node.id);
        }
      }
    }
    if (!metric.kinds || !targets.size) {
      for (const run of this.runs) {
        const ids = metric.in === "clients" ? run.data.clientIds : run.data.nodeIds;
        for (const id of ids) if (!targets.has(id) && (run.data[metric.in][id] || {})[metric.name]) targets.set(id, id);
      }
    }
    return [...targets].map(([id, label]) => ({ id: String(id), label: String(label) }));
  }

  caption(spec) {
    const caption = document.createElement("figcaption");
    if (!spec.picker) {
      caption.textContent = spec.empty && !spec.series ? "Per node" : titleWithUnit(spec.title, spec.unit);
      return caption;
    }
    const select = document.createElement("select");
    select.className = "chart-picker";
    select.setAttribute("aria-label", `Metric of per-node chart ${spec.picker.slot + 1}`);
    for (const choice of spec.picker.choices) {
      const option = document.createElement("option");
      option.value = choice.name;
      option.textContent = titleWithUnit(choice.label, choice.unit);
      if (choice.help) option.title = choice.help;
      option.selected = choice.name === spec.picker.chosen;
      select.append(option);
    }
    select.addEventListener("change", () => {
      this.picked[spec.picker.slot] = select.value;
      this.show(this.runs);
      const again = this.container.querySelectorAll("select.chart-picker")[spec.picker.slot];
      if (again) again.focus();
    });
    if (spec.help) caption.title = spec.help;
    caption.append(select);
    return caption;
  }

  build(spec) {
    const box = document.createElement("figure");
    box.className = "chart";
    if (spec.testid) box.dataset.testid = spec.testid;
    box.append(this.caption(spec));
    this.container.append(box);
    if (spec.empty) {
      const note = document.createElement("p");
      note.className = "chart-empty muted";
      note.textContent = spec.empty;
      box.append(note);
      return { box, spec, plot: null };
    }
    // What was last drawn, for tests and for anyone reading the page's state: the y ticks' texts
    // and the marks' lines ({at_s, x in CSS pixels from the canvas's left, label}).
    const drawn = { ticks: [], marks: [] };
    const width = Math.max(200, box.clientWidth || 280);
    const tickSuffix = spec.unit === "ratio" ? "%" : "";
    const value = legendValue(spec.unit);
    const options = {
      width,
      height: CHART_HEIGHT,
      plugins: [marksPlugin(() => this.marks, drawn.marks)],
      scales: {
        x: { time: false },
        // Never a zero-height range: all zeros still get ticks 0..1, each different. Room above
        // the lines for the marks' labels, when there are marks.
        y: spec.range
          ? { range: spec.range }
          : { range: (chart, min, max) => [0, (max > 0 ? max : 1) * (this.marks.length ? 1.35 : 1.08)] },
      },
      axes: [
        {
          size: 28,
          values: (chart, splits, axis, space, step) => splits.map((tick) => `${formatTick(tick, step, largestOf(splits))}s`),
          grid: { stroke: "#eef2f7" },
        },
        {
          // As wide as the longest tick ("10.05k", "100%") needs, in uPlot's 12 px axis font.
          size: (chart, values) => 18 + 8 * Math.max(3, ...(values || []).map((text) => String(text).length)),
          values: (chart, splits, axis, space, step) => {
            drawn.ticks = splits.map((tick) => `${formatTick(tick, step, largestOf(splits))}${tickSuffix}`);
            return drawn.ticks;
          },
          grid: { stroke: "#eef2f7" },
        },
      ],
      // The legend names the lines and, under the cursor, gives their values; nothing otherwise.
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
      series: [
        { label: "time", value: (chart, second) => (second == null ? "" : formatInstant(second)) },
        ...spec.series.map((series) => ({
          label: series.label,
          // Run B of a comparison: the same hue, lighter and dashed.
          stroke: series.dash ? lighter(series.stroke) : series.stroke,
          width: series.width,
          dash: series.dash,
          spanGaps: false,
          points: { show: false },
          value: (chart, figure) => (figure == null ? "" : value(figure)),
        })),
      ],
    };
    const plot = new uPlot(options, this.columns(spec), box);
    return { box, spec, plot, drawn };
  }

  columns(spec) {
    if (this.runs.length === 1) {
      const data = this.runs[0].data;
      return [data.t, ...spec.series.map((series) => fit(series.column(data), data.t.length))];
    }
    const { t, pick } = aligned(this.runs);
    return [t, ...spec.series.map((series) => pick(series.run, series.column(this.runs[series.run].data)))];
  }

  /** Asks for a redraw with the data as it now stands (at most one per animation frame). */
  update() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (this.shape() !== this.shownShape) this.show(this.runs);
      else this.redraw();
    });
  }

  redraw() {
    for (const chart of this.charts) if (chart.plot) chart.plot.setData(this.columns(chart.spec));
    if (this.firstPointAt === null && this.runs.some((run) => run.data.t.length > 0)) {
      this.firstPointAt = performance.now();
    }
  }

  /** Vertical marks [{at_s, action, target}] on every chart. */
  setMarks(marks) {
    this.marks = marks;
    this.redraw(); // the y ranges leave room for the marks' labels
  }

  /** Points drawn so far on the first chart (for tests: the charts grow). */
  pointCount() {
    const first = this.charts.find((chart) => chart.plot);
    return first ? first.plot.data[0].length : 0;
  }

  resize() {
    for (const chart of this.charts) {
      if (!chart.plot) continue;
      const width = Math.max(200, Math.floor(chart.box.clientWidth));
      if (width !== chart.plot.width) chart.plot.setSize({ width, height: CHART_HEIGHT });
    }
  }

  destroy() {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    for (const chart of this.charts) if (chart.plot) chart.plot.destroy();
    this.charts = [];
    this.container.replaceChildren();
  }
}

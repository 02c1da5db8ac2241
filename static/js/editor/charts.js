// The run's charts, drawn with uPlot (vendored, global `uPlot`): throughput and errors (rps),
// latency p50/p95/p99 (ms), and each node's utilisation and queue length, one point per second
// of simulated time.
//
// A run's figures live in a plain object of columns (`RunData`: `t` and one array per series,
// per node too), filled either window by window while the run goes (`appendWindow`) or at once
// from a finished run's `results.timeseries` (`dataFromTimeseries`). Charts draw one run, or two
// side by side for a comparison (run B dashed). Appending costs an array push; the redraw
// (`setData`) is asked for with `update()` and happens at most once per animation frame, so a
// run at full speed, which closes hundreds of windows a second, still draws about 60 times a second.
//
// Marks (scenario events, faults injected live, failovers) are drawn as vertical lines on every
// chart, at their simulated second.

const uPlot = window.uPlot;

const NODE_COLORS = [
  "#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d",
  "#ea580c", "#4f46e5", "#0d9488", "#be123c",
]; // prettier-ignore
const MARK_COLORS = { fail: "#dc2626", partition: "#dc2626", recover: "#15803d", heal: "#15803d", slow: "#d97706",
  set: "#2563eb", failover: "#7c3aed" }; // prettier-ignore
const CHART_HEIGHT = 150;

/** Empty columns for a run of these nodes. */
export function emptyData(nodeIds = []) {
  const data = { t: [], throughput: [], errors: [], p50: [], p95: [], p99: [], nodes: {}, hasP95: false };
  for (const id of nodeIds) data.nodes[id] = { utilization: [], queue: [] };
  data.nodeIds = [...nodeIds];
  return data;
}

function numberOrNull(value) {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** Adds one metrics window (spec/api.md) at simulated second `t`. */
export function appendWindow(data, t, window) {
  data.t.push(t);
  data.throughput.push(numberOrNull(window.throughput_rps));
  data.errors.push(numberOrNull(window.errors_rps));
  // A second with no successful request has no latency to show: a gap, not a drop to zero.
  const served = !(window.throughput_rps === 0);
  data.p50.push(served ? numberOrNull(window.latency_p50_ms) : null);
  data.p95.push(served ? numberOrNull(window.latency_p95_ms) : null);
  data.p99.push(served ? numberOrNull(window.latency_p99_ms) : null);
  if (window.latency_p95_ms !== undefined) data.hasP95 = true;
  const nodes = window.nodes || {};
  for (const id of Object.keys(nodes)) {
    if (!data.nodes[id]) {
      // A node the run has that the chart did not know: pad its past with gaps.
      data.nodes[id] = { utilization: new Array(data.t.length - 1).fill(null), queue: new Array(data.t.length - 1).fill(null) };
      data.nodeIds.push(id);
    }
  }
  for (const id of data.nodeIds) {
    const node = nodes[id] || {};
    data.nodes[id].utilization.push(numberOrNull(node.utilization));
    data.nodes[id].queue.push(numberOrNull(node.queue_len));
  }
}

/** A finished run's `results.timeseries` (no per-node series: those come only from windows). */
export function dataFromTimeseries(timeseries) {
  const data = emptyData([]);
  const series = timeseries || {};
  const t = Array.isArray(series.t_s) ? series.t_s : [];
  const column = (name) => t.map((_, index) => numberOrNull((series[name] || [])[index]));
  data.t = [...t];
  data.throughput = column("throughput_rps");
  data.errors = column("errors_rps");
  const served = (name) => column(name).map((value, index) => (data.throughput[index] === 0 ? null : value));
  data.p50 = served("latency_p50_ms");
  data.p95 = served("latency_p95_ms");
  data.p99 = served("latency_p99_ms");
  data.hasP95 = Array.isArray(series.latency_p95_ms);
  return data;
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

function marksPlugin(getMarks) {
  return {
    hooks: {
      draw: (chart) => {
        const marks = getMarks();
        if (!marks.length) return;
        const { ctx } = chart;
        const { top, height } = chart.bbox;
        ctx.save();
        ctx.lineWidth = Math.max(1, devicePixelRatio);
        ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
        for (const mark of marks) {
          const x = Math.round(chart.valToPos(mark.at_s, "x", true));
          if (x < chart.bbox.left || x > chart.bbox.left + chart.bbox.width) continue;
          ctx.strokeStyle = MARK_COLORS[mark.action] || "#64748b";
          ctx.beginPath();
          ctx.moveTo(x, top);
          ctx.lineTo(x, top + height);
          ctx.stroke();
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

function axisValues(unit) {
  return (chart, splits) => splits.map((value) => (value == null ? "" : `${formatShort(value)}${unit}`));
}

function formatShort(value) {
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6) return `${+(value / 1e6).toFixed(1)}M`;
  if (magnitude >= 1e4) return `${+(value / 1e3).toFixed(0)}k`;
  if (magnitude >= 1e3) return `${+(value / 1e3).toFixed(1)}k`;
  return String(+value.toFixed(2));
}

export class RunCharts {
  /** container: the element that holds the four charts. */
  constructor(container) {
    this.container = container;
    this.runs = [];
    this.charts = [];
    this.marks = [];
    this.frame = 0;
    this.firstPointAt = null; // performance.now() when the first point was drawn
    this.resizer = new ResizeObserver(() => this.resize());
    this.resizer.observe(container);
  }

  /**
   * Draws these runs: [{label, data}] (one, or two to compare: the second dashed).
   * Their data may keep growing: call update() after appending.
   */
  show(runs) {
    this.destroy();
    this.runs = runs;
    this.firstPointAt = null;
    const compare = runs.length > 1;
    const specs = [this.rateSpec(compare), this.latencySpec(compare)];
    const nodeIds = [...new Set(runs.flatMap((run) => run.data.nodeIds || []))];
    if (nodeIds.length) {
      specs.push(this.nodeSpec("Utilization per node", "utilization", nodeIds, compare, "%", 100));
      specs.push(this.nodeSpec("Queue length per node", "queue", nodeIds, compare, "", 1));
    } else {
      specs.push({ empty: "Per-node series are streamed live only; this run's results keep the totals." });
    }
    for (const spec of specs) this.charts.push(this.build(spec));
    this.redraw();
  }

  /** Throughput, goodput and errors per second. */
  rateSpec(compare) {
    const series = [];
    this.runs.forEach((run, index) => {
      const dash = index === 1 ? [6, 4] : undefined;
      const tag = compare ? `${run.label} ` : "";
      series.push({ label: `${tag}throughput`, stroke: "#2563eb", width: 2, dash, column: (data) => data.throughput, run: index });
      series.push({ label: `${tag}errors`, stroke: "#dc2626", width: 2, dash, column: (data) => data.errors, run: index });
    });
    return { title: "Throughput and errors", testid: "chart-rates", unit: " rps", series };
  }

  latencySpec(compare) {
    const series = [];
    this.runs.forEach((run, index) => {
      const dash = index === 1 ? [6, 4] : undefined;
      const tag = compare ? `${run.label} ` : "";
      series.push({ label: `${tag}p50`, stroke: "#16a34a", width: 1.6, dash, column: (data) => data.p50, run: index });
      if (run.data.hasP95 || run.data.p95.some((value) => value !== null)) {
        series.push({ label: `${tag}p95`, stroke: "#d97706", width: 1.6, dash, column: (data) => data.p95, run: index });
      }
      series.push({ label: `${tag}p99`, stroke: "#dc2626", width: 2, dash, column: (data) => data.p99, run: index });
    });
    return { title: "Latency", testid: "chart-latency", unit: " ms", series };
  }

  nodeSpec(title, field, nodeIds, compare, unit, scale) {
    const series = [];
    this.runs.forEach((run, index) => {
      const dash = index === 1 ? [6, 4] : undefined;
      nodeIds.forEach((id, position) => {
        series.push({
          label: compare ? `${run.label} ${id}` : id,
          stroke: NODE_COLORS[position % NODE_COLORS.length],
          width: 1.5,
          dash,
          run: index,
          column: (data) => {
            const column = data.nodes[id] ? data.nodes[id][field] : [];
            return scale === 1 ? column : column.map((value) => (value === null ? null : value * scale));
          },
        });
      });
    });
    const testid = field === "utilization" ? "chart-utilization" : "chart-queue";
    return { title, testid, unit, series, range: field === "utilization" ? [0, 100] : null };
  }

  build(spec) {
    const box = document.createElement("figure");
    box.className = "chart";
    if (spec.testid) box.dataset.testid = spec.testid;
    const caption = document.createElement("figcaption");
    caption.textContent = spec.empty ? "Per node" : `${spec.title}${spec.unit.trim() ? ` (${spec.unit.trim()})` : ""}`;
    box.append(caption);
    this.container.append(box);
    if (spec.empty) {
      const note = document.createElement("p");
      note.className = "chart-empty muted";
      note.textContent = spec.empty;
      box.append(note);
      return { box, spec, plot: null };
    }
    const width = Math.max(200, box.clientWidth || 280);
    const options = {
      width,
      height: CHART_HEIGHT,
      plugins: [marksPlugin(() => this.marks)],
      scales: {
        x: { time: false },
        y: spec.range ? { range: spec.range } : { range: (chart, min, max) => [0, Math.max(max ?? 1, 1e-9) * 1.08] },
      },
      axes: [
        { size: 28, values: (chart, splits) => splits.map((value) => `${value}s`), grid: { stroke: "#eef2f7" } },
        { size: 50, values: axisValues(spec.unit === "%" ? "%" : ""), grid: { stroke: "#eef2f7" } },
      ],
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
      series: [
        { label: "t", value: (chart, value) => (value == null ? "" : `${value} s`) },
        ...spec.series.map((series) => ({
          label: series.label,
          // Run B of a comparison: the same hue, lighter and dashed.
          stroke: series.dash ? lighter(series.stroke) : series.stroke,
          width: series.width,
          dash: series.dash,
          spanGaps: false,
          points: { show: false },
          value: (chart, value) => (value == null ? "–" : `${formatShort(value)}${spec.unit}`),
        })),
      ],
    };
    const plot = new uPlot(options, this.columns(spec), box);
    return { box, spec, plot };
  }

  columns(spec) {
    if (this.runs.length === 1) {
      const data = this.runs[0].data;
      return [data.t, ...spec.series.map((series) => series.column(data))];
    }
    const { t, pick } = aligned(this.runs);
    return [t, ...spec.series.map((series) => pick(series.run, series.column(this.runs[series.run].data)))];
  }

  /** Asks for a redraw with the data as it now stands (at most one per animation frame). */
  update() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.redraw();
    });
  }

  redraw() {
    for (const chart of this.charts) if (chart.plot) chart.plot.setData(this.columns(chart.spec));
    if (this.firstPointAt === null && this.runs.some((run) => run.data.t.length > 0)) {
      this.firstPointAt = performance.now();
    }
  }

  /** Vertical marks [{at_s, action, label}] on every chart. */
  setMarks(marks) {
    this.marks = marks;
    for (const chart of this.charts) if (chart.plot) chart.plot.redraw(false);
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

// The diagram, live: while a run is shown, each component is coloured by its utilisation in the
// latest window (green, amber, red), carries a badge with its queue length and a meter, is greyed
// and struck through when down, and shows its cache hit ratio or replication lag as small text;
// each wire is as thick, and its dashes flow as fast, as the requests that go through it.
//
// A window gives each node's arrivals per second but not each wire's, so a wire's rate is its
// target's arrivals shared among the wires that feed that target from components that are up.
// Wires cut or slowed (scenario events and faults injected live, up to the current second) are
// drawn red or amber.
//
// The canvas asks this overlay for attributes as it draws (Canvas.setLive); the drawing is
// refreshed at most once per animation frame, and closing the run view gives the diagram back
// exactly as it was (setLive(null)).

const QUEUEING_KINDS = new Set(["app_server", "database", "queue", "worker"]);
const GREEN = [22, 163, 74];
const AMBER = [245, 158, 11];
const RED = [220, 38, 38];

function mix(a, b, share) {
  return a.map((value, index) => Math.round(value + (b[index] - value) * share));
}

function hex(rgb) {
  return `#${rgb.map((value) => value.toString(16).padStart(2, "0")).join("")}`;
}

/** Green below 50 % busy, through amber at 75 % to red from 95 %. */
export function utilizationColor(utilization) {
  const u = Math.max(0, Math.min(1, utilization || 0));
  if (u <= 0.5) return hex(GREEN);
  if (u <= 0.75) return hex(mix(GREEN, AMBER, (u - 0.5) / 0.25));
  if (u <= 0.95) return hex(mix(AMBER, RED, (u - 0.75) / 0.2));
  return hex(RED);
}

function tint(color, share) {
  const rgb = [1, 3, 5].map((start) => parseInt(color.slice(start, start + 2), 16));
  return hex(mix(rgb, [255, 255, 255], 1 - share));
}

function formatQueue(value) {
  if (value >= 1000) return `${Math.round(value / 100) / 10}k`;
  if (value >= 10) return String(Math.round(value));
  return String(Math.round(value * 10) / 10);
}

/** Stroke width and flow period of a wire carrying `rate` requests per second. */
export function flowStyle(rate) {
  if (!(rate > 0)) return { width: 1.6, seconds: 0 };
  const width = Math.min(8, 1.6 + 1.3 * Math.log10(1 + rate));
  const seconds = Math.max(0.25, Math.min(4, 8 / Math.log2(2 + rate)));
  return { width, seconds };
}

export class LiveCanvas {
  constructor(canvas) {
    this.canvas = canvas;
    this.window = null;
    this.t = 0;
    this.events = [];
    this.frame = 0;
    this.active = false;
  }

  /** Starts drawing a run of `document`, with its scenario events. */
  start(document_) {
    const events = (document_ && document_.scenario && document_.scenario.events) || [];
    this.events = events.filter((event) => event && typeof event.at_s === "number");
    this.window = null;
    this.t = 0;
    this.active = true;
    this.canvas.setLive(this);
  }

  /** A fault injected live, applied from second `at_s` on. */
  addEvent(event) {
    this.events.push(event);
    this.schedule();
  }

  /** The latest window, at simulated second `t`. */
  update(t, window) {
    this.t = t;
    this.window = window;
    this.schedule();
  }

  schedule() {
    if (!this.active || this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (this.active) this.canvas.redecorate();
    });
  }

  /** Back to the plain diagram. */
  stop() {
    this.active = false;
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.window = null;
    this.canvas.setLive(null);
  }

  nodeState(id) {
    return this.window && this.window.nodes ? this.window.nodes[id] : undefined;
  }

  nodeAttrs(node) {
    const state = this.nodeState(node.id);
    if (!state) return null;
    const kind = node.getData().kind;
    const utilization = typeof state.utilization === "number" ? state.utilization : 0;
    const queue = typeof state.queue_len === "number" ? state.queue_len : 0;
    const notes = [];
    if (typeof state.hit_ratio === "number") notes.push(`hit ${Math.round(state.hit_ratio * 100)}%`);
    if (typeof state.replication_lag_ms === "number") notes.push(`lag ${Math.round(state.replication_lag_ms)} ms`);
    const summary =
      `${node.id}: ${state.up === false ? "DOWN" : "up"}, ${Math.round(utilization * 100)}% busy, ` +
      `queue ${formatQueue(queue)}, ${Math.round(state.arrivals_rps || 0)} req/s in` +
      (notes.length ? `, ${notes.join(", ")}` : "");
    const showQueue = QUEUEING_KINDS.has(kind) || queue > 0;
    const queueText = `q ${formatQueue(queue)}`;
    if (state.up === false) {
      return {
        body: { fill: "#e5e7eb", stroke: "#6b7280", strokeWidth: 2, title: summary, "data-live": "down" },
        icon: { opacity: 0.35 },
        label: { fill: "#6b7280" },
        strike: { display: "block" },
        liveText: { display: "block", text: "down", fill: "#b91c1c", fontWeight: 700 },
      };
    }
    const color = utilizationColor(utilization);
    return {
      body: { fill: tint(color, 0.16), stroke: color, strokeWidth: 2.4, title: summary, "data-live": "up" },
      meterBack: { display: "block" },
      meter: { display: "block", width: Math.max(0, Math.min(1, utilization)) * 144, fill: color },
      queueBadge: { display: showQueue ? "block" : "none", title: `queue length ${formatQueue(queue)}` },
      queueBack: { width: 12 + 6.5 * queueText.length, fill: queue >= 1 ? "#0f172a" : "#94a3b8" },
      queueText: { text: queueText, x: (12 + 6.5 * queueText.length) / 2 },
      liveText: { display: notes.length ? "block" : "none", text: notes.join(" · "), fill: "#334155", fontWeight: 400 },
    };
  }

  /** Cut and slowed wires as of the current second: {docId: "cut" | "slow"}. */
  wireStates() {
    const states = {};
    const passed = this.events
      .filter((event) => event.at_s <= this.t + 1e-9)
      .sort((a, b) => a.at_s - b.at_s);
    for (const event of passed) {
      if (event.action === "partition") states[event.target] = "cut";
      else if (event.action === "heal") delete states[event.target];
      else if (event.action === "slow") states[event.target] = states[event.target] === "cut" ? "cut" : "slow";
    }
    return states;
  }

  edgeRate(edge) {
    const nodes = (this.window && this.window.nodes) || {};
    const source = edge.getSourceCellId();
    const target = edge.getTargetCellId();
    const arrivals = nodes[target] ? nodes[target].arrivals_rps || 0 : 0;
    if (!(arrivals > 0)) return 0;
    if (nodes[source] && nodes[source].up === false) return 0;
    const feeders = this.canvas.graph
      .getIncomingEdges(target)
      ?.filter((other) => !this.isReplication(other) && !(nodes[other.getSourceCellId()] && nodes[other.getSourceCellId()].up === false));
    return arrivals / Math.max(1, feeders ? feeders.length : 1);
  }

  isReplication(edge) {
    const params = (edge.getData() || {}).params || {};
    return params.replication === "sync" || params.replication === "async";
  }

  edgeAttrs(edge, docId) {
    if (!this.window) return null;
    const state = this.wireStates()[docId];
    if (state === "cut") {
      return { line: { stroke: "#dc2626", strokeWidth: 2.4, strokeDasharray: "2 6", title: `${docId}: cut`, style: { animation: "none" } } };
    }
    if (this.isReplication(edge)) return null;
    const rate = this.edgeRate(edge);
    const { width, seconds } = flowStyle(rate);
    const stroke = state === "slow" ? "#d97706" : rate > 0 ? "#64748b" : "#cbd5e1";
    return {
      line: {
        stroke,
        strokeWidth: width,
        strokeDasharray: rate > 0 ? "8 6" : null,
        title: `${docId}: about ${Math.round(rate)} req/s${state === "slow" ? ", slowed" : ""}`,
        style: { animation: seconds ? `ap-flow ${seconds.toFixed(2)}s linear infinite` : "none" },
      },
    };
  }
}

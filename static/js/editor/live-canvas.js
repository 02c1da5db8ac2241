// The diagram, live: while a run is shown, each component is coloured by its health in the latest
// window (green, amber, red): by its utilisation, or by the share of the requests reaching it that
// fail there (refused, rejected, timed out), whichever is worse, so a balancer whose every request
// fails is red although it is idle. It carries a badge with its queue length (for the kinds whose
// schema trait says they queue) and a meter, is greyed and struck through when down, and shows as
// small text its share of failures, or else the first figure its kind declares for the window that
// the drawing does not already show (a cache's hit ratio, a replica's lag); its tooltip lists every
// declared window figure. Each wire
// is as thick, and its dashes flow as fast, as the requests that go through it.
//
// A window gives each node's arrivals per second but not each wire's, so a wire's rate is its
// target's arrivals shared among the wires that feed that target from components that are up.
// Wires cut or slowed (scenario events and faults injected live, up to the current second) are
// drawn red or amber.
//
// A node running several instances (autoscaled, or sized with `instances`) shows how many serve
// now beside its kind ("App server · ×3"; instances still starting are not in the window, so not
// shown). A wire whose circuit breaker is open (the window's `edges[id].state`) is drawn dashed red
// with a small "open" tag on it, amber "half-open" while its trial call is out. The tag is an X6
// edge tool, which the canvas's own drawing of the wire (its labels) never touches.
//
// The canvas asks this overlay for attributes as it draws (Canvas.setLive); the drawing is
// refreshed at most once per animation frame, and closing the run view gives the diagram back
// exactly as it was (setLive(null)).

import { hasTrait, loadMetrics, metricsOf } from "./metrics.js";
import { formatFigure, formatPercent } from "./numbers.js";

const GREEN = [22, 163, 74];
const AMBER = [245, 158, 11];
const RED = [220, 38, 38];
/** Window fields the drawing itself shows (meter, badge, colour, wires): not repeated as text. */
const DRAWN = new Set(["utilization", "queue_len", "arrivals_rps", "completed_rps", "errors_rps", "error_ratio", "up", "instances"]);
/** How a breaker's state is drawn on its wire: colour, dashes, the tag's words. */
const BREAKER_LOOK = {
  open: { stroke: "#dc2626", dash: "6 4", words: "open", tag: "#dc2626" },
  half_open: { stroke: "#d97706", dash: "6 4", words: "half-open", tag: "#d97706" },
};
/** Options for drawing that is not an edit: kept out of undo and out of the "changed" signal. */
const QUIET = { ignoreHistory: true };
/** An error share from which a node is marked failing in words as well as in colour. */
const FAILING_SHARE = 0.05;

function mix(a, b, share) {
  return a.map((value, index) => Math.round(value + (b[index] - value) * share));
}

function hex(rgb) {
  return `#${rgb.map((value) => value.toString(16).padStart(2, "0")).join("")}`;
}

/** 0 (healthy) to 1 (red) for a value on a scale that turns amber at `amber` and red at `red`. */
function severityOn(value, calm, amber, red) {
  const v = Math.max(0, value || 0);
  if (v <= calm) return 0;
  if (v <= amber) return ((v - calm) / (amber - calm)) * 0.5;
  if (v <= red) return 0.5 + ((v - amber) / (red - amber)) * 0.5;
  return 1;
}

function severityColor(severity) {
  if (severity <= 0) return hex(GREEN);
  if (severity <= 0.5) return hex(mix(GREEN, AMBER, severity / 0.5));
  if (severity < 1) return hex(mix(AMBER, RED, (severity - 0.5) / 0.5));
  return hex(RED);
}

/** Green below 50 % busy, through amber at 75 % to red from 95 %. */
export function utilizationColor(utilization) {
  return severityColor(severityOn(Math.min(1, utilization || 0), 0.5, 0.75, 0.95));
}

/**
 * The worse of utilisation and failures: green when healthy, amber from 5 % of requests failing,
 * red from 25 %.
 */
export function healthColor(utilization, errorRatio) {
  const busy = severityOn(Math.min(1, utilization || 0), 0.5, 0.75, 0.95);
  const failing = severityOn(Math.min(1, errorRatio || 0), 0, FAILING_SHARE, 0.25);
  return severityColor(Math.max(busy, failing));
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
    this.catalog = null;
    this.tagged = new Map(); // edge cell -> breaker state drawn as a tag on it
    loadMetrics().then((catalog) => {
      this.catalog = catalog;
      this.schedule();
    });
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
      if (!this.active) return;
      this.canvas.redecorate();
      this.drawBreakerTags();
    });
  }

  /** Back to the plain diagram. */
  stop() {
    this.active = false;
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.window = null;
    this.canvas.setLive(null);
    this.drawBreakerTags();
  }

  nodeState(id) {
    return this.window && this.window.nodes ? this.window.nodes[id] : undefined;
  }

  /** The window's figures for a node: its `nodes` entry, or its `clients` one for a client kind. */
  figuresOf(id, kind) {
    const entry = this.catalog && this.catalog.kinds[kind];
    if (entry && entry.in === "clients") return ((this.window && this.window.clients) || {})[id] || this.nodeState(id);
    return this.nodeState(id);
  }

  nodeAttrs(node) {
    const state = this.nodeState(node.id);
    if (!state) return null;
    const kind = node.getData().kind;
    const name = (node.getData().label || "").trim() || node.id;
    const utilization = typeof state.utilization === "number" ? state.utilization : 0;
    const errorRatio = typeof state.error_ratio === "number" ? state.error_ratio : 0;
    const queue = typeof state.queue_len === "number" ? state.queue_len : 0;
    const figures = this.figuresOf(node.id, kind) || {};
    const declared = metricsOf(this.catalog, kind, "window").filter((metric) => typeof figures[metric.name] === "number");
    const summary =
      `${name}: ${state.up === false ? "DOWN" : "up"}` +
      declared.map((metric) => `, ${metric.label || metric.name} ${formatFigure(figures[metric.name], metric.unit)}`).join("");
    // One short line under the node (neighbours sit close): its failures, else its first figure
    // the drawing does not show otherwise; the tooltip has them all.
    const failing = state.up !== false && errorRatio >= FAILING_SHARE;
    const extra = declared.find((metric) => !DRAWN.has(metric.name));
    const notes = failing
      ? [`${formatPercent(errorRatio)} failing`]
      : extra
        ? [`${extra.label || extra.name} ${formatFigure(figures[extra.name], extra.unit)}`]
        : [];
    const instances = this.instancesShown(node, state);
    const kindTitle = (this.catalog && this.catalog.kinds[kind] && this.catalog.kinds[kind].title) || kind;
    // Only the caption's text: the canvas merges these attributes and resets only what it draws.
    const caption = instances === null ? {} : { caption: { text: `${kindTitle} · ×${instances}` } };
    const showQueue = hasTrait(this.catalog, kind, "queues") || queue > 0;
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
    const color = healthColor(utilization, errorRatio);
    return {
      body: {
        fill: tint(color, 0.16), stroke: color, strokeWidth: 2.4, title: summary, "data-live": "up",
        "data-failing": failing ? "true" : "false",
      }, // prettier-ignore
      ...caption,
      meterBack: { display: "block" },
      meter: { display: "block", width: Math.max(0, Math.min(1, utilization)) * 144, fill: utilizationColor(utilization) },
      queueBadge: { display: showQueue ? "block" : "none", title: `queue length ${formatQueue(queue)}` },
      queueBack: { width: 12 + 6.5 * queueText.length, fill: queue >= 1 ? "#0f172a" : "#94a3b8" },
      queueText: { text: queueText, x: (12 + 6.5 * queueText.length) / 2 },
      liveText: {
        display: notes.length ? "block" : "none", text: notes.join(" · "), fill: failing ? "#b91c1c" : "#334155",
        fontWeight: failing ? 700 : 400,
      }, // prettier-ignore
    };
  }

  /**
   * The instances a node serves with now, when worth showing: it runs several or may scale (its
   * document sets `instances` or `max_instances`); null otherwise (a plain single server).
   */
  instancesShown(node, state) {
    if (typeof state.instances !== "number") return null;
    const params = node.getData().params || {};
    const sized = params.max_instances !== undefined && params.max_instances !== null;
    return state.instances !== 1 || sized || params.instances !== undefined ? Math.round(state.instances) : null;
  }

  /** The breaker state of wire `docId` in the latest window ("closed", "open", "half_open"), or null. */
  breakerState(docId) {
    const edges = (this.window && this.window.edges) || {};
    const entry = edges[docId];
    return entry && typeof entry.state === "string" ? entry.state : null;
  }

  /** For a wire with a timeout or a breaker: its breaker's state and the calls failing over it. */
  guardText(docId) {
    const entry = ((this.window && this.window.edges) || {})[docId];
    if (!entry) return "";
    const breaker = entry.state ? `, breaker ${entry.state.replace("_", "-")}` : "";
    const failed = entry.failed_rps > 0 ? `, about ${Math.round(entry.failed_rps)} calls/s failing` : "";
    return breaker + failed;
  }

  /** Puts an "open" / "half-open" tag on each wire whose breaker is, and takes stale tags off. */
  drawBreakerTags() {
    const wanted = new Map();
    if (this.active && this.window) {
      for (const edge of this.canvas.graph.getEdges()) {
        const state = this.breakerState(this.canvas.edgeDocId(edge));
        if (BREAKER_LOOK[state] && this.wireStates()[this.canvas.edgeDocId(edge)] !== "cut") wanted.set(edge, state);
      }
    }
    for (const [edge, state] of this.tagged) {
      if (wanted.get(edge) === state) continue;
      if (this.canvas.graph.hasCell(edge)) edge.removeTools(QUIET);
      this.tagged.delete(edge);
    }
    for (const [edge, state] of wanted) {
      if (this.tagged.get(edge) === state) continue;
      const look = BREAKER_LOOK[state];
      const width = 12 + 6.2 * look.words.length;
      edge.addTools(
        [
          {
            name: "button",
            args: {
              distance: "50%",
              markup: [
                {
                  tagName: "rect",
                  selector: "button",
                  attrs: {
                    x: -width / 2, y: -9, width, height: 18, rx: 9, fill: look.tag, stroke: "#fff", "stroke-width": 1.5,
                    cursor: "default", "data-breaker-tag": state,
                  }, // prettier-ignore
                },
                {
                  tagName: "text",
                  selector: "icon",
                  textContent: look.words,
                  attrs: {
                    fill: "#fff", "font-size": 11, "font-weight": 700, "text-anchor": "middle", y: 4, "pointer-events": "none",
                    "font-family": "system-ui, sans-serif",
                  }, // prettier-ignore
                },
              ],
            },
          },
        ],
        QUIET,
      );
      this.tagged.set(edge, state);
    }
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
    const breaker = this.breakerState(docId);
    const look = BREAKER_LOOK[breaker];
    if (look) {
      const short = (((this.window.edges || {})[docId] || {}).short_circuited_rps) || 0;
      return {
        line: {
          stroke: look.stroke, strokeWidth: 2.4, strokeDasharray: look.dash,
          title: `${docId}: breaker ${look.words}, about ${Math.round(short)} calls/s failed at once (short-circuited)`,
          style: { animation: "none" },
        },
      }; // prettier-ignore
    }
    const rate = this.edgeRate(edge);
    const { width, seconds } = flowStyle(rate);
    const stroke = state === "slow" ? "#d97706" : rate > 0 ? "#64748b" : "#cbd5e1";
    return {
      line: {
        stroke,
        strokeWidth: width,
        strokeDasharray: rate > 0 ? "8 6" : null,
        title: `${docId}: about ${Math.round(rate)} req/s${state === "slow" ? ", slowed" : ""}${this.guardText(docId)}`,
        style: { animation: seconds ? `ap-flow ${seconds.toFixed(2)}s linear infinite` : "none" },
      },
    };
  }
}

// Running the diagram: the Run bar (Run, Stop, speed, seed, progress, status) and the run view,
// a drawer under the canvas with the timeline, the live charts, the summary and the runs history.
//
// Pressing Run sends the editor's current document to POST /api/runs (with the topology's id when
// the visitor owns it, so the run joins its history), then follows the run's websocket
// (runsocket.js): each `metrics` window is appended to the charts (charts.js) and drawn over the
// diagram (live-canvas.js); `done` brings the results, shown as a summary (run-summary.js), and the
// exact seconds of the faults injected live and of any failovers, which go on the timeline
// (run-timeline.js). Stop cancels it; the worker stops within a second and still sends results.
// The bar also shows what the system costs per hour as it runs (each window's
// `cost_per_hour_usd`: autoscaled instances come and go), then the run's hourly rate.
//
// The same view shows a run opened from the history (run-history.js), two runs compared, and, for
// someone holding a view link, the owner's run as it goes (live-viewer.js).

import { api, errorText } from "./api.js";
import { RunCharts, appendWindow, dataFromTimeseries, emptyData } from "./charts.js";
import { LiveCanvas } from "./live-canvas.js";
import { LiveFaults } from "./live-faults.js";
import { loadMetrics } from "./metrics.js";
import { formatFigure, formatPercent } from "./numbers.js";
import { RunHistory } from "./run-history.js";
import { renderDiff, renderSummary } from "./run-summary.js";
import { RunTimeline, marksFrom } from "./run-timeline.js";
import { RunSocket } from "./runsocket.js";
import { el, toast } from "./ui.js";
import { WatchCard } from "./watch.js";

const ACTIVE = new Set(["queued", "running"]);
const FINAL_WORDS = { done: "Done", cancelled: "Stopped", failed: "Failed" };

function scenarioOf(document_) {
  const scenario = (document_ && document_.scenario) || {};
  return {
    duration: typeof scenario.duration_s === "number" ? scenario.duration_s : 60,
    warmup: typeof scenario.warmup_s === "number" ? scenario.warmup_s : 0,
    events: Array.isArray(scenario.events) ? scenario.events : [],
    seed: typeof scenario.seed === "number" ? scenario.seed : 0,
  };
}

/** An hourly cost as the run bar writes it: "$0.534/h". */
export function costPerHourText(usd) {
  return typeof usd === "number" && Number.isFinite(usd) ? `$${formatFigure(usd)}/h` : "";
}

function speedText(speed) {
  return speed === "max" || speed === undefined ? "max speed" : `${speed}×`;
}

export class RunController {
  constructor(app) {
    this.app = app;
    this.byId = (id) => document.getElementById(id);
    this.runButton = this.byId("btn-run");
    this.stopButton = this.byId("btn-stop");
    this.speed = this.byId("run-speed");
    this.seed = this.byId("run-seed");
    this.progress = this.byId("run-progress");
    this.status = this.byId("run-status");
    this.cost = el("span", { id: "run-cost", class: "run-cost", hidden: true });
    this.status.after(this.cost);
    this.viewButton = this.byId("btn-run-view");
    this.drawer = this.byId("run-drawer");
    this.title = this.byId("run-title");
    this.charts = new RunCharts(this.byId("run-charts"));
    this.timeline = new RunTimeline(this.byId("run-timeline"));
    this.liveCanvas = new LiveCanvas(app.canvas);
    this.faults = new LiveFaults(this, app.canvas);
    this.history = new RunHistory(this, this.byId("run-history"));
    this.watch = new WatchCard(this.byId("watch-card"), this.byId("btn-watch"));
    this.charts.watched = () => (this.watch.document && this.watch.document.watch) || []; // the per-node charts open on them
    this.run = null; // the run shown in the view (see attach)
    this.starting = false;
    this.problemCount = 0;
    this.timings = { clickAt: null }; // performance.now() of the last press of Run, for the latency test
    this.wire();
    this.refreshBar();
  }

  wire() {
    this.runButton.addEventListener("click", () => this.start());
    this.stopButton.addEventListener("click", () => this.stop());
    this.viewButton.addEventListener("click", () => (this.drawer.hidden ? this.openDrawer() : this.closeView()));
    this.byId("btn-run-close").addEventListener("click", () => this.closeView());
    this.tabs = [...this.drawer.querySelectorAll('.run-tabs [role="tab"]')];
    this.tabs.forEach((tab, index) => {
      tab.addEventListener("click", () => this.showTab(tab.id));
      tab.addEventListener("keydown", (event) => {
        const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
        if (!step) return;
        event.preventDefault();
        const next = this.tabs[(index + step + this.tabs.length) % this.tabs.length];
        this.showTab(next.id);
        next.focus();
      });
    });
    this.seed.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !this.runButton.disabled) this.start();
    });
  }

  // ---- the Run bar ---------------------------------------------------------------------------

  /** Problems found in the document (Run waits until there are none). */
  setProblems(count) {
    this.problemCount = count;
    this.refreshBar();
  }

  /** Why Run is not possible now, or "". */
  blocker() {
    if (!this.app.canvas.graph.getNodes().length) return "Add components to run";
    if (this.app.invalidForm) return "Fix the field in red to run";
    if (this.problemCount) return `Fix ${this.problemCount} problem${this.problemCount === 1 ? "" : "s"} to run`;
    return "";
  }

  ownActive() {
    return Boolean(this.run && this.run.owned && ACTIVE.has(this.run.status));
  }

  refreshBar() {
    const blocker = this.blocker();
    this.runButton.disabled = Boolean(blocker) || this.starting || this.ownActive();
    this.runButton.title = blocker || (this.ownActive() ? "A run is going: stop it first" : "Run the simulation");
    this.stopButton.disabled = !this.ownActive() || this.run.stopping;
    this.viewButton.setAttribute("aria-expanded", String(!this.drawer.hidden));
    const status = this.statusText();
    const state = blocker && !this.run ? "blocked" : this.run ? this.run.status : "idle";
    this.status.dataset.state = state;
    if (this.status.textContent !== status) this.status.textContent = status;
    const cost = this.costText();
    this.cost.hidden = !cost;
    this.cost.dataset.state = this.run && ACTIVE.has(this.run.status) ? "live" : "mean";
    this.cost.title = ACTIVE.has(this.run ? this.run.status : "")
      ? "What the system costs per hour now: the instances running or starting at their hourly price, plus requests priced per million"
      : "What the system cost per hour on average over the run (see the Summary's Cost)";
    if (this.cost.textContent !== cost) this.cost.textContent = cost;
    const progress = this.run ? this.run.progress : 0;
    this.progress.value = progress;
    this.progress.setAttribute("aria-valuetext", `${Math.round(progress * 100)}%`);
    this.faults.renderPanel();
  }

  statusText() {
    const run = this.run;
    const blocker = this.blocker();
    if (!run) return blocker || "Ready to run";
    const watching = run.owned ? "" : "Watching: ";
    if (run.connection === "refused") return `Cannot watch this run: ${run.refusal}`;
    if (run.status === "queued") return `${watching}Queued…`;
    if (run.status === "running") {
      const where = `${Math.round(run.t)} of ${run.duration} s`;
      if (run.connection === "retrying") return `${watching}Reconnecting… (${where})`;
      return `${watching}Running · ${where}`;
    }
    const final = FINAL_WORDS[run.status] || run.status;
    if (run.status === "failed") return `Failed: ${run.error || "see the run view"}`;
    return blocker ? `${final} · ${blocker.toLowerCase()}` : `${final}${run.compare ? "" : ` · ${Math.round(run.t)} s simulated`}`;
  }

  /** The system's cost per hour: the latest window's while running, else the run's rate; or "". */
  costText() {
    const run = this.run;
    if (!run || run.compare) return "";
    const live = run.lastWindow ? run.lastWindow.cost_per_hour_usd : undefined;
    const final = run.results && run.results.cost ? run.results.cost.per_hour_usd : undefined;
    if (ACTIVE.has(run.status) || typeof final !== "number") {
      const text = costPerHourText(live);
      return text ? `Cost ${text}` : "";
    }
    return `Cost ${costPerHourText(final)}`;
  }

  /** Presses Run: starts the editor's current document. */
  async start() {
    if (this.runButton.disabled) return;
    this.timings.clickAt = performance.now();
    this.charts.firstPointAt = null; // set again when this run's first window is drawn
    const document_ = this.app.document();
    const body = { document: document_, speed: this.speed.value === "max" ? "max" : Number(this.speed.value) };
    if (this.app.mode === "edit" && this.app.topologyId) {
      body.topology_id = this.app.topologyId;
      if (this.app.revision) body.revision = this.app.revision;
    }
    const seedText = this.seed.value.trim();
    if (seedText !== "") {
      const seed = Number(seedText);
      if (!Number.isInteger(seed) || seed < 0) {
        toast("The seed is a whole number from 0 (or empty for the scenario's own).", "error");
        this.seed.focus();
        return;
      }
      body.seed = seed;
    }
    this.starting = true;
    this.refreshBar();
    let answer;
    try {
      answer = await api.runStart(body);
    } finally {
      this.starting = false;
    }
    if (answer.status !== 202) {
      this.refused(answer);
      this.refreshBar();
      return;
    }
    if (body.seed === undefined) body.seed = scenarioOf(document_).seed;
    this.attach({
      id: answer.body.id,
      owned: true,
      status: answer.body.status || "queued",
      document: document_,
      speed: body.speed,
      seed: body.seed,
    });
    this.showTab("run-tab-live");
  }

  refused(answer) {
    const details = (answer.body && answer.body.details) || [];
    if (answer.status === 400 && details.length && typeof details[0] === "object") {
      this.app.problems.show(details);
      this.app.showTab("tab-problems");
      toast(`Not started: ${details.map((detail) => detail.text || detail.message).join("; ")}`, "error", 8000);
    } else if (answer.status === 429) {
      toast(errorText(answer), "error", 8000);
    } else {
      toast(`Not started: ${errorText(answer)}`, "error", 6000);
    }
  }

  async stop() {
    if (!this.ownActive()) return;
    const run = this.run;
    run.stopping = true;
    this.refreshBar();
    const answer = await api.runCancel(run.id);
    if (!answer.ok) {
      run.stopping = false;
      this.refreshBar();
      toast(`Could not stop it: ${errorText(answer)}`, "error");
    }
    // The socket brings the "cancelled" status and the results.
  }

  // ---- following a run -----------------------------------------------------------------------

  /**
   * Shows a run and follows its websocket from the start (the server replays what came before).
   * run: {id, owned, status, document, speed, seed, view?}
   */
  attach({ id, owned, status, document: document_, speed, seed, view = null }) {
    this.detach();
    const scenario = scenarioOf(document_);
    const nodeIds = ((document_ && document_.nodes) || []).map((node) => node.id);
    this.run = {
      id, owned, view, status, document: document_, speed, seed,
      duration: scenario.duration, warmup: scenario.warmup, events: scenario.events,
      t: 0, progress: 0, data: emptyData(nodeIds), injected: [], pending: [], results: null, error: "",
      connection: "connecting", refusal: "", seqs: [], lastWindow: null, stopping: false,
    }; // prettier-ignore
    const run = this.run;
    this.title.textContent = `Run · ${speedText(speed)} · seed ${seed ?? "?"}${owned ? "" : " · the owner's run"}`;
    this.charts.show([{ label: "", data: run.data, document: document_ }]);
    this.timeline.reset({ duration: run.duration, warmup: run.warmup, marks: this.marks() });
    this.charts.setMarks(this.marks());
    this.byId("run-summary").replaceChildren(el("p", { class: "muted" }, "The summary appears when the run ends."));
    this.watch.runStarted();
    this.liveCanvas.start(document_);
    this.openDrawer();
    run.socket = new RunSocket({
      runId: id,
      view,
      onMessage: (message) => this.onMessage(run, message),
      onState: (state, detail) => {
        if (state === "refused") {
          run.connection = "refused";
          run.refusal = detail;
          if (ACTIVE.has(run.status)) run.status = "failed";
          run.error = `cannot watch this run: ${detail}`;
        } else if (state !== "closed") {
          run.connection = state;
        }
        if (run === this.run) this.refreshBar();
      },
    });
    this.refreshBar();
  }

  /** Stops following the run shown (the run itself goes on) and gives the diagram back. */
  detach() {
    if (this.run && this.run.socket) this.run.socket.close();
    this.liveCanvas.stop();
    this.faults.closeMenu();
  }

  marks() {
    const run = this.run;
    if (!run) return [];
    const injected = [...run.injected, ...run.pending];
    const failovers = (run.results && run.results.failovers) || [];
    return marksFrom({ events: run.events, injected, failovers });
  }

  onMessage(run, message) {
    run.seqs.push(message.seq);
    if (message.type === "metrics") {
      const t = message.t_s;
      appendWindow(run.data, t, message.window || {});
      run.t = t;
      run.lastWindow = message.window || {};
      run.progress = Math.min(1, t / run.duration);
      if (run.status === "queued") run.status = "running";
      if (run !== this.run) return;
      this.charts.update();
      if (!this.drawer.hidden) this.liveCanvas.update(t, run.lastWindow);
      this.timeline.setTime(t);
      this.refreshBarSoon();
    } else if (message.type === "status") {
      run.status = message.status;
      if (typeof message.progress === "number") run.progress = message.progress;
      if (run === this.run) this.refreshBar();
    } else if (message.type === "done") {
      this.finished(run, message.results);
    } else if (message.type === "error") {
      run.status = "failed";
      run.error = message.error || "the run failed";
      if (run === this.run) {
        this.byId("run-summary").replaceChildren(el("p", { class: "field-error" }, `The run failed: ${run.error}`));
        toast(`The run failed: ${run.error}`, "error", 8000);
        this.refreshBar();
        this.history.render();
      }
    }
  }

  refreshBarSoon() {
    if (this.barFrame) return;
    this.barFrame = requestAnimationFrame(() => {
      this.barFrame = 0;
      this.refreshBar();
    });
  }

  finished(run, results) {
    run.results = results;
    if (ACTIVE.has(run.status)) run.status = results && results.stopped ? "cancelled" : "done";
    run.injected = Array.isArray(results && results.injected_events) ? results.injected_events : run.injected;
    run.pending = [];
    if (run !== this.run) return;
    this.charts.update();
    this.timeline.setMarks(this.marks());
    this.charts.setMarks(this.marks());
    this.showSummary(run, (catalog) => renderSummary(results, { catalog, document: run.document }));
    this.watch.setResults(results);
    this.refreshBar();
    this.history.render();
    this.announce(results);
  }

  announce(results) {
    if (!results) return;
    const availability = formatPercent(results.availability);
    toast(`Run ${results.stopped ? "stopped" : "finished"}: availability ${availability}. See the Summary tab.`, "info", 5000);
  }

  // ---- live faults ---------------------------------------------------------------------------

  canInject() {
    return Boolean(this.run && this.run.owned && this.run.status === "running" && !this.run.compare);
  }

  async inject(action, target, params) {
    if (!this.canInject()) return;
    const run = this.run;
    if (action === "slow" && !(Number.isFinite(params.latency_ms) && params.latency_ms >= 0)) {
      toast("Give the wire's latency in milliseconds (a number from 0).", "error");
      return;
    }
    const answer = await api.runCommand(run.id, action, target, params);
    if (answer.status !== 202) {
      const details = (answer.body && answer.body.details) || [];
      const why = details.length && typeof details[0] === "object" ? details.map((d) => d.text || d.message).join("; ") : errorText(answer);
      toast(`Not injected: ${why}`, "error", 6000);
      return;
    }
    // Applied at the next window boundary; the results give the exact second.
    const event = { at_s: run.t, action, target, params };
    run.pending.push(event);
    this.liveCanvas.addEvent({ ...event, at_s: run.t + 1 });
    this.timeline.setMarks(this.marks());
    this.charts.setMarks(this.marks());
    const words = { fail: "Failing", recover: "Recovering", partition: "Cutting", heal: "Healing", slow: "Slowing" };
    toast(`${words[action] || action} ${target} at about ${Math.round(run.t)} s.`);
  }

  // ---- runs from the history -----------------------------------------------------------------

  /** Opens a run of the history: live if it is still going, else its charts and summary. */
  async openRun(runId) {
    const view = this.app.mode === "view" ? this.app.shareToken : null;
    const answer = await api.run(runId, view);
    if (!answer.ok) {
      toast(`Could not open the run: ${errorText(answer)}`, "error");
      return;
    }
    const body = answer.body;
    const owned = this.app.mode === "edit";
    if (ACTIVE.has(body.status)) {
      this.attach({ id: body.id, owned, status: body.status, document: body.document, speed: body.speed, seed: body.seed, view });
      this.showTab("run-tab-live");
      return;
    }
    this.showFinished(body, view);
  }

  showFinished(body, view) {
    this.detach();
    const scenario = scenarioOf(body.document);
    const results = body.results || null;
    const data = results ? dataFromTimeseries(results.timeseries) : emptyData([]);
    this.run = {
      id: body.id, owned: false, view, status: body.status, document: body.document, speed: body.speed, seed: body.seed,
      duration: scenario.duration, warmup: scenario.warmup, events: scenario.events, t: data.t.length ? data.t[data.t.length - 1] : 0,
      progress: body.progress || 0, data, injected: (results && results.injected_events) || [], pending: [], results,
      error: body.error || "", connection: "closed", refusal: "", seqs: [],
    }; // prettier-ignore
    const run = this.run;
    this.title.textContent = `Run of ${new Date(body.created_at).toLocaleString()} · ${speedText(body.speed)} · seed ${body.seed}`;
    this.charts.show([{ label: "", data, document: body.document }]);
    this.timeline.reset({ duration: run.duration, warmup: run.warmup, marks: this.marks() });
    this.timeline.setTime(run.t);
    this.charts.setMarks(this.marks());
    this.showSummary(run, (catalog) =>
      results
        ? renderSummary(results, { catalog, document: body.document })
        : el("p", { class: "field-error" }, body.error ? `The run failed: ${body.error}` : "This run has no results."),
    );
    if (results) this.watch.setResults(results);
    this.openDrawer();
    this.refreshBar();
    this.history.render();
    // The results keep totals per second; the run's message log (kept a week) has every node too.
    replayWindows(body.id, view, run.data.nodeIds).then((full) => {
      if (!full || this.run !== run || !full.t.length) return;
      run.data = full;
      this.charts.show([{ label: "", data: full, document: body.document }]);
      this.charts.setMarks(this.marks());
    });
  }

  /** Two finished runs side by side: both series on the same charts, the summary as a diff. */
  async compareRuns(idA, idB, labels) {
    const view = this.app.mode === "view" ? this.app.shareToken : null;
    const [a, b] = await Promise.all([api.run(idA, view), api.run(idB, view)]);
    if (!a.ok || !b.ok) {
      toast(`Could not open both runs: ${errorText(a.ok ? b : a)}`, "error");
      return;
    }
    this.detach();
    const runA = a.body;
    const runB = b.body;
    const dataA = dataFromTimeseries(runA.results && runA.results.timeseries);
    const dataB = dataFromTimeseries(runB.results && runB.results.timeseries);
    const scenario = scenarioOf(runB.document);
    this.run = {
      id: `${idA}+${idB}`, compare: true, owned: false, view, status: "done", document: runB.document, duration: scenario.duration,
      warmup: scenario.warmup, events: [], t: 0, progress: 1, data: dataB, injected: [], pending: [], results: null, error: "",
      connection: "closed", refusal: "", seqs: [],
    }; // prettier-ignore
    const run = this.run;
    const show = () => {
      this.charts.show([{ label: labels[0], data: dataA, document: runA.document }, { label: labels[1], data: dataB, document: runB.document }]);
      this.charts.setMarks([]);
    };
    this.title.textContent = `Compare ${labels[0]} (solid) with ${labels[1]} (dashed)`;
    show();
    this.timeline.reset({ duration: scenario.duration, warmup: scenario.warmup, marks: [], empty: "Each run's events are in its own view." });
    this.showSummary(run, (catalog) => renderDiff(runA.results, runB.results, labels, { catalog, document: runB.document }));
    this.openDrawer();
    this.showTab("run-tab-summary");
    this.refreshBar();
    const [fullA, fullB] = await Promise.all([replayWindows(idA, view, []), replayWindows(idB, view, [])]);
    if (this.run !== run || !fullA || !fullB || !fullA.t.length || !fullB.t.length) return;
    this.charts.show([{ label: labels[0], data: fullA, document: runA.document }, { label: labels[1], data: fullB, document: runB.document }]);
  }

  /** Puts `render(catalog)` in the Summary tab once the metric declarations are in (metrics.js). */
  showSummary(run, render) {
    loadMetrics().then((catalog) => {
      if (run === this.run) this.byId("run-summary").replaceChildren(render(catalog));
    });
  }

  // ---- the view ------------------------------------------------------------------------------

  openDrawer() {
    const wasHidden = this.drawer.hidden;
    this.drawer.hidden = false;
    const run = this.run;
    if (run && run.lastWindow && !this.liveCanvas.active) {
      // Back to a run followed live: the diagram shows its latest second again.
      this.liveCanvas.start(run.document);
      for (const event of [...run.injected, ...run.pending]) this.liveCanvas.addEvent(event);
      this.liveCanvas.update(run.t, run.lastWindow);
    }
    // The canvas just lost the drawer's height: show the whole diagram in what is left.
    // (X6 learns its new size from a ResizeObserver, after layout: fit once that has happened.)
    if (wasHidden) setTimeout(() => this.app.canvas.fit(), 120);
    document.getElementById("editor").dataset.run = "open";
    this.charts.resize();
    this.refreshBar();
  }

  /** Closes the run view: the diagram is drawn as it was (a run of one's own goes on). */
  closeView() {
    this.drawer.hidden = true;
    document.getElementById("editor").dataset.run = "closed";
    this.liveCanvas.stop();
    this.faults.closeMenu();
    this.refreshBar();
  }

  showTab(id) {
    for (const tab of this.tabs) {
      const selected = tab.id === id;
      tab.setAttribute("aria-selected", String(selected));
      tab.tabIndex = selected ? 0 : -1;
      this.byId(tab.getAttribute("aria-controls")).hidden = !selected;
    }
    if (id === "run-tab-runs") this.history.render();
    if (id === "run-tab-live") this.charts.resize();
  }

  /** After a selection change on the canvas: the side panel's live actions follow it. */
  selectionChanged() {
    this.faults.renderPanel();
  }
}

/**
 * Every window of a finished run, read back from its websocket log (`?after=0`), as chart columns;
 * null when the log is gone or the wait is too long.
 */
export function replayWindows(runId, view, nodeIds, timeoutMs = 15_000) {
  return new Promise((resolve) => {
    const data = emptyData(nodeIds);
    let settled = false;
    const settle = (value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close();
      resolve(value);
    };
    const socket = new RunSocket({
      runId,
      view,
      onMessage: (message) => {
        if (message.type === "metrics") appendWindow(data, message.t_s, message.window || {});
        else if (message.type === "done" || message.type === "error") settle(data);
      },
      onState: (state) => {
        if (state === "refused" || state === "retrying") settle(null);
      },
    });
    const timer = setTimeout(() => settle(null), timeoutMs);
  });
}

// The Runs tab: every run of this saved topology, newest first (GET /api/runs?topology_id=..., or
// ?view=TOKEN for those who hold the view link). Open one to see its charts and summary (a run
// still going opens live); tick two and compare them: the same charts with both series, and the
// summary as a diff.

import { api, errorText } from "./api.js";
import { formatFigure } from "./numbers.js";
import { el, formatTime } from "./ui.js";

const STATUS_WORDS = { queued: "queued", running: "running", done: "done", failed: "failed", cancelled: "stopped" };

export class RunHistory {
  constructor(controller, container) {
    this.controller = controller;
    this.container = container;
    this.checked = [];
    this.runs = [];
  }

  available() {
    const app = this.controller.app;
    return Boolean(app.mode === "edit" && app.topologyId) || Boolean(app.mode === "view" && app.shareToken);
  }

  async fetch() {
    const app = this.controller.app;
    if (app.mode === "view") return api.runsOfView(app.shareToken);
    return api.runsOfTopology(app.topologyId);
  }

  async render() {
    if (!this.available()) {
      this.container.replaceChildren(
        el("p", { class: "muted" }, "Save this topology to keep a history of its runs, and to compare them."),
      );
      return;
    }
    const answer = await this.fetch();
    if (!answer.ok || !Array.isArray(answer.body)) {
      this.container.replaceChildren(el("p", { class: "field-error" }, `Could not load the runs: ${errorText(answer)}`));
      return;
    }
    this.runs = answer.body;
    const known = new Set(this.runs.map((run) => run.id));
    this.checked = this.checked.filter((id) => known.has(id));
    const compare = el(
      "button",
      { type: "button", id: "btn-compare", disabled: this.checked.length !== 2, onclick: () => this.compare() },
      "Compare the two ticked",
    );
    this.compareButton = compare;
    const items = this.runs.map((run, index) => this.item(run, this.runs.length - index));
    this.container.replaceChildren(
      el("div", { class: "history-head" },
        el("p", { class: "muted" }, this.runs.length ? "Open a run to see its charts and summary; tick two to compare them." : "No runs yet: press Run."),
        compare), // prettier-ignore
      el("ol", { class: "run-list", "aria-label": "Runs of this topology" }, items),
    );
  }

  item(run, number) {
    const summary = run.summary || {};
    const latency = summary.latency_ms || {};
    const facts = [
      `#${number}`,
      STATUS_WORDS[run.status] || run.status,
      run.speed === "max" ? "max speed" : `${run.speed}×`,
      `seed ${run.seed}`,
      run.revision ? `rev ${run.revision}` : null,
    ].filter(Boolean);
    const figures = run.summary
      ? `availability ${formatFigure(summary.availability, "ratio")} · goodput ${formatFigure(summary.goodput_rps ?? summary.throughput_rps, "rps")} · p99 ${formatFigure(latency.p99, "ms")}`
      : run.status === "running" || run.status === "queued"
        ? `${Math.round((run.progress || 0) * 100)}% done`
        : "";
    const box = el("input", {
      type: "checkbox",
      id: `cmp-${run.id}`,
      "aria-label": `Compare run #${number}`,
      disabled: !run.summary,
      onchange: (event) => this.tick(run.id, event.target.checked),
    });
    box.checked = this.checked.includes(run.id);
    const shown = this.controller.run && this.controller.run.id === run.id;
    return el(
      "li",
      { dataset: { run: run.id, status: run.status }, "aria-current": shown ? "true" : null },
      box,
      el("div", { class: "run-item-text" },
        el("span", { class: "run-item-facts" }, facts.join(" · ")),
        el("span", { class: "run-item-when" }, formatTime(run.created_at)),
        figures ? el("span", { class: "run-item-figures" }, figures) : null), // prettier-ignore
      el("button", { type: "button", onclick: () => this.controller.openRun(run.id), "aria-label": `Open run #${number}` }, "Open"),
    );
  }

  tick(runId, on) {
    this.checked = this.checked.filter((id) => id !== runId);
    if (on) this.checked.push(runId);
    // Two at most: ticking a third unticks the oldest tick.
    while (this.checked.length > 2) {
      const dropped = this.checked.shift();
      const box = document.getElementById(`cmp-${dropped}`);
      if (box) box.checked = false;
    }
    if (this.compareButton) this.compareButton.disabled = this.checked.length !== 2;
  }

  compare() {
    if (this.checked.length !== 2) return;
    // Older run is A, newer is B (the list is newest first).
    const order = this.runs.map((run) => run.id);
    const [a, b] = [...this.checked].sort((x, y) => order.indexOf(y) - order.indexOf(x));
    const number = (id) => this.runs.length - order.indexOf(id);
    this.controller.compareRuns(a, b, [`#${number(a)}`, `#${number(b)}`]);
  }
}

// Problems before any run: after each change (debounced) the document goes to POST /api/validate,
// the same validation saving uses, and each problem it reports is shown on its node or wire
// (red outline, badge and tooltip) and in the Problems tab, whose entries select what they name.
// A summary goes to a polite live region, so screen-reader users hear "2 problems" as they work.
// For a valid document the answer also carries the graph analysis: single points of failure and
// unreachable components are shown as design notes (amber, dashed), which do not block a run.

import { api, errorText } from "./api.js";
import { el } from "./ui.js";

const DEBOUNCE_MS = 300;

function where(problem) {
  if (problem.edge) return `Wire ${problem.edge}`;
  if (problem.node) return `Component ${problem.node}`;
  return "Document";
}

export class Problems {
  constructor({ canvas, getDocument, onProblems }) {
    this.canvas = canvas;
    this.getDocument = getDocument;
    this.onProblems = onProblems || (() => {});
    this.timer = null;
    this.sequence = 0; // answers to older requests are ignored
    this.problems = [];
    this.list = document.getElementById("problems-list");
    this.summary = document.getElementById("problems-summary");
    this.count = document.getElementById("problem-count");
    this.live = document.getElementById("problems-live");
  }

  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.check(), DEBOUNCE_MS);
  }

  async check() {
    const sequence = ++this.sequence;
    const answer = await api.validate(this.getDocument());
    if (sequence !== this.sequence) return;
    if (!answer.ok || !answer.body || !Array.isArray(answer.body.problems)) {
      // A document the server refuses outright (too large, not JSON-able) comes back as an error.
      const details = answer.body && Array.isArray(answer.body.details) ? answer.body.details : [];
      if (details.length && typeof details[0] === "object") this.show(details);
      else this.showError(errorText(answer));
      return;
    }
    this.show(answer.body.problems, answer.body.analysis);
  }

  /** Design notes per node id from the server's graph analysis. */
  static notes(analysis) {
    const notes = new Map();
    if (!analysis) return notes;
    const add = (id, text) => notes.set(id, [...(notes.get(id) || []), text]);
    for (const id of analysis.single_points_of_failure || []) {
      add(id, "Single point of failure: if it fails, no client's request can complete (no standby takes its place).");
    }
    for (const id of analysis.unreachable || []) add(id, "Unreachable: no client's requests ever get here.");
    return notes;
  }

  /** Shows a list of problems ({node, edge, field, message, text}); also used for a refused save. */
  show(problems, analysis = null) {
    this.problems = problems;
    this.canvas.setProblems(problems);
    const notes = Problems.notes(analysis);
    this.canvas.setWarnings(notes);
    this.count.textContent = String(problems.length);
    this.count.dataset.count = String(problems.length);
    this.summary.dataset.state = problems.length ? "bad" : "ok";
    this.summary.textContent = problems.length
      ? `${problems.length} problem${problems.length === 1 ? "" : "s"} to fix before running.`
      : "No problems: ready to run.";
    this.live.textContent = problems.length ? `${problems.length} problem${problems.length === 1 ? "" : "s"}` : "No problems";
    const noteItems = [...notes].flatMap(([id, texts]) =>
      texts.map((text) => {
        const cell = this.canvas.cellForProblem({ node: id });
        const content = [el("span", { class: "where" }, `Design note · ${id}`), text];
        return el(
          "li",
          { class: "note" },
          cell
            ? el("button", { type: "button", onclick: () => this.canvas.select(cell.id), dataset: { cell: cell.id } }, ...content)
            : el("div", {}, ...content),
        );
      }),
    );
    this.list.replaceChildren(
      ...problems.map((problem) => {
        const text = problem.message || problem.text;
        const field = problem.field ? `${problem.field}: ` : "";
        const cell = this.canvas.cellForProblem(problem);
        const content = [el("span", { class: "where" }, where(problem)), `${field}${text}`];
        if (!cell) return el("li", {}, el("div", {}, ...content));
        return el(
          "li",
          {},
          el("button", { type: "button", onclick: () => this.canvas.select(cell.id), dataset: { cell: cell.id } }, ...content),
        );
      }),
      ...noteItems,
    );
    const nodes = new Set(problems.filter((problem) => problem.node && !problem.edge).map((problem) => problem.node));
    this.onProblems(problems, nodes);
  }

  showError(message) {
    this.summary.dataset.state = "bad";
    this.summary.textContent = `Could not check the document: ${message}`;
  }
}

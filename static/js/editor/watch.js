// The "What to watch" card: a preset's explanation (the document's `description`) and the few
// figures it asks the reader to watch (its `watch` list: a node or a client, and one of the
// metrics its kind declares). It stays in a corner of the canvas while the document is open; it
// can be dismissed, and the "What to watch" button brings it back. Once a run has results, each
// watched figure shows its value, formatted as the summary writes it, where it is highlighted too.

import { clientKind, loadMetrics, metricsOf, valueAt } from "./metrics.js";
import { figureText, nameOf, watchKey } from "./run-summary.js";
import { el } from "./ui.js";

function kindOf(document_, id) {
  const node = ((document_ && document_.nodes) || []).find((candidate) => candidate && candidate.id === id);
  return node ? node.kind : null;
}

/**
 * The watched figures of `document_`: [{key, who, id, metric (its declaration or null), value}],
 * with values from `results` when given.
 */
export function watchedFigures(document_, catalog, results) {
  const watch = document_ && Array.isArray(document_.watch) ? document_.watch : [];
  const figures = watch
    .filter((entry) => watchKey(entry))
    .map((entry) => {
      const id = typeof entry.node === "string" ? entry.node : entry.client;
      const kind = typeof entry.node === "string" ? kindOf(document_, id) : clientKind(catalog) || kindOf(document_, id);
      const metric = metricsOf(catalog, kind).find((candidate) => candidate.name === entry.metric) || null;
      let value;
      if (results) {
        if (typeof entry.node === "string") value = valueAt((results.nodes || {})[id], entry.metric);
        else value = valueAt(results.clients && results.clients[id] ? results.clients[id] : results, entry.metric);
      }
      return { key: watchKey(entry), who: nameOf(document_, id), id, name: entry.metric, metric, value };
    });
  // Two systems side by side often label their nodes alike ("Primary"): name those by label and id.
  const ids = new Map();
  for (const figure of figures) ids.set(figure.who, new Set([...(ids.get(figure.who) || []), figure.id]));
  for (const figure of figures) if (ids.get(figure.who).size > 1) figure.who = `${figure.who} (${figure.id})`;
  return figures;
}

export class WatchCard {
  constructor(card, reopen) {
    this.card = card;
    this.reopen = reopen;
    this.document = null;
    this.results = null;
    this.running = false;
    this.dismissed = false;
    this.catalog = null;
    this.reopen.addEventListener("click", () => {
      this.dismissed = false;
      this.render();
      this.card.querySelector(".watch-close")?.focus();
    });
    loadMetrics().then((catalog) => {
      this.catalog = catalog;
      this.render();
    });
  }

  /** A document was opened (or imported): its card, without results yet. */
  load(document_) {
    this.document = document_;
    this.results = null;
    this.running = false;
    this.dismissed = false;
    this.render();
  }

  /** A run of the document started: the values will come with its results. */
  runStarted() {
    this.results = null;
    this.running = true;
    this.render();
  }

  /** A run ended with `results`. */
  setResults(results) {
    this.results = results || null;
    this.running = false;
    this.render();
  }

  hasContent() {
    const document_ = this.document || {};
    return Boolean((typeof document_.description === "string" && document_.description.trim()) || (Array.isArray(document_.watch) && document_.watch.length));
  }

  render() {
    const content = this.hasContent();
    this.card.hidden = !content || this.dismissed;
    this.reopen.hidden = !content || !this.dismissed;
    this.reopen.setAttribute("aria-expanded", String(!this.card.hidden));
    if (!content) {
      this.card.replaceChildren();
      return;
    }
    const document_ = this.document;
    const figures = watchedFigures(document_, this.catalog || { kinds: {} }, this.results);
    const pending = this.results ? "not in the results" : this.running ? "when the run ends" : "after a run";
    const items = figures.map((figure) => {
      const label = figure.metric ? figure.metric.label || figure.name : figure.name;
      const shown = typeof figure.value === "number";
      return el(
        "li",
        { dataset: { watch: figure.key }, title: figure.metric && figure.metric.help ? figure.metric.help : null },
        el("span", { class: "watch-what" }, `${figure.who} · ${label}`),
        el("span", { class: "watch-value", dataset: { state: shown ? "value" : "pending" } }, shown ? figureText(figure.value, figure.metric ? figure.metric.unit : "") : pending),
      );
    });
    const parts = [
      el(
        "header",
        { class: "watch-head" },
        el("h2", { id: "watch-title" }, "What to watch"),
        el("button", { type: "button", class: "icon-btn watch-close", "aria-label": "Dismiss What to watch", title: "Dismiss (the What to watch button brings it back)", onclick: () => this.dismiss() }, "×"),
      ),
      // The figures first: with the run view open the card is short, and they are what to watch.
      items.length ? el("ul", { class: "watch-list", "aria-label": "Figures to watch" }, items) : null,
      items.length && this.results ? el("p", { class: "watch-note muted" }, "Highlighted in the Summary tab too.") : null,
      typeof document_.description === "string" && document_.description.trim() ? el("p", { class: "watch-description" }, document_.description) : null,
    ];
    this.card.replaceChildren(...parts.filter(Boolean));
  }

  dismiss() {
    this.dismissed = true;
    this.render();
    this.reopen.focus();
  }
}

// What a finished run comes to, from its results document (spec/topology-format.md, "Results").
// No figure is named here: each kind declares the metrics it reports in the JSON Schema
// (metrics.js), and the summary shows every declared metric that the results carry:
//
// - the systems: the client kind's metrics, one column per client when the document holds
//   several (each fed system side by side, with the difference to the first), or the run's
//   headline figures when there is one;
// - the failovers, with their RTO and RPO (the writes they lost);
// - the components, one table per kind: each node's declared metrics (a metric a node does not
//   report, such as replication lag on a primary, is left empty).
//
// Figures the document asks to watch (its `watch` list) are marked `watched`. Two runs compare as a
// diff: A, B and B − A, green where B is better. Ids and labels are user text: they reach the page
// only as text nodes (ui.el never parses markup).

import { clientKind, metricsOf, tone, valueAt } from "./metrics.js";
import { formatDelta, formatFigure } from "./numbers.js";
import { el } from "./ui.js";

/** Units that are not a count of things: the table cells keep them. */
const MEASURES = new Set(["ratio", "%", "ms", "s", "rps", "x"]);

function number(value) {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/**
 * A figure beside its label, which names what is counted: "1,234" rather than "1,234 requests";
 * measures keep their unit ("12.3 ms", "99.5%").
 */
export function figureText(value, unit) {
  return formatFigure(value, MEASURES.has(unit) ? unit : "");
}

/** A difference in the same style: "+1,234" beside counts, "+1.2 ms" and "−0.5 pt" beside measures. */
export function deltaText(delta, unit) {
  return formatDelta(delta, MEASURES.has(unit) ? unit : "");
}

/** The key a watched figure goes by: "node:<id>:<metric>" or "client:<id>:<metric>". */
export function watchKey(entry) {
  if (!entry || typeof entry.metric !== "string") return "";
  if (typeof entry.node === "string") return `node:${entry.node}:${entry.metric}`;
  if (typeof entry.client === "string") return `client:${entry.client}:${entry.metric}`;
  return "";
}

/** The document's `watch` list, as a set of keys. */
export function watchedKeys(document_) {
  const watch = document_ && Array.isArray(document_.watch) ? document_.watch : [];
  return new Set(watch.map(watchKey).filter(Boolean));
}

function nodesOf(document_) {
  return document_ && Array.isArray(document_.nodes) ? document_.nodes.filter((node) => node && typeof node.id === "string") : [];
}

/** What a node or client is called on screen: its label, else its id. */
export function nameOf(document_, id) {
  const node = nodesOf(document_).find((candidate) => candidate.id === id);
  return node && typeof node.label === "string" && node.label.trim() ? node.label : id;
}

/** The clients of a run, in the document's order: [{id, name, results}] (their per-client results). */
function clientsOf(results, document_, kind) {
  const perClient = results.clients && typeof results.clients === "object" ? results.clients : {};
  const ids = nodesOf(document_).filter((node) => node.kind === kind).map((node) => node.id);
  for (const id of Object.keys(perClient)) if (!ids.includes(id)) ids.push(id);
  return ids.filter((id) => perClient[id]).map((id) => ({ id, name: nameOf(document_, id), results: perClient[id] }));
}

function mark(attributes, watched) {
  return watched ? { ...attributes, class: [attributes.class, "watched"].filter(Boolean).join(" ") } : attributes;
}

function metricHead(metric) {
  return el("th", { scope: "col", title: metric.help || null }, metric.label || metric.name);
}

function table(caption, head, rows, attributes = {}) {
  return el(
    "div",
    { class: "summary-scroll" },
    el(
      "table",
      { class: "summary-table", ...attributes },
      el("caption", {}, caption),
      el("thead", {}, el("tr", {}, head.map((cell) => (cell instanceof Node ? cell : el("th", { scope: "col" }, cell))))),
      el("tbody", {}, rows),
    ),
  );
}

/** One system's headline figures (one client, or a document without per-client results). */
function headline(results, metrics, watchedClient) {
  return el(
    "dl",
    { class: "summary-figures" },
    metrics
      .filter((metric) => number(valueAt(results, metric.name)) !== null)
      .map((metric) =>
        el(
          "div",
          mark({ class: "figure", dataset: { summary: metric.name }, title: metric.help || null }, watchedClient(metric.name)),
          el("dt", {}, metric.label || metric.name),
          el("dd", {}, figureText(valueAt(results, metric.name), metric.unit)),
        ),
      ),
  );
}

/** Several systems side by side: a column per client, then each against the first. */
function perClient(clients, metrics, watched) {
  const [first, ...others] = clients;
  const head = [
    "",
    ...clients.map((client) => el("th", { scope: "col", dataset: { client: client.id } }, client.name)),
    ...others.map((client) => `${client.name} − ${first.name}`),
  ];
  const rows = metrics
    .filter((metric) => clients.some((client) => number(valueAt(client.results, metric.name)) !== null))
    .map((metric) =>
      el(
        "tr",
        { dataset: { summary: metric.name } },
        el("th", { scope: "row", title: metric.help || null }, metric.label || metric.name),
        clients.map((client) =>
          el(
            "td",
            mark({ dataset: { client: client.id, metric: metric.name } }, watched.has(`client:${client.id}:${metric.name}`)),
            figureText(valueAt(client.results, metric.name), metric.unit),
          ),
        ),
        others.map((client) => {
          const a = number(valueAt(first.results, metric.name));
          const b = number(valueAt(client.results, metric.name));
          const delta = a === null || b === null ? null : b - a;
          return el("td", { class: "delta", dataset: { tone: tone(metric, a, b), delta: client.id } }, deltaText(delta, metric.unit));
        }),
      ),
    );
  return table("Per system (one column per client)", head, rows, { "data-testid": "per-client" });
}

function failoverRows(results) {
  const failovers = Array.isArray(results.failovers) ? results.failovers : [];
  return failovers.map((failover) =>
    el(
      "tr",
      {},
      el("td", {}, String(failover.failed ?? "?")),
      el("td", {}, String(failover.standby ?? "?")),
      el("td", {}, formatFigure(failover.failed_at_s ?? failover.at_s, "s")),
      el("td", {}, formatFigure(failover.took_over_at_s, "s")),
      el("td", { dataset: { figure: "rto" } }, formatFigure(failover.rto_s, "s")),
      el("td", { dataset: { figure: "rpo" } }, formatFigure(failover.lost_writes)),
    ),
  );
}

/** One table per kind: each node of that kind and every metric the kind declares and reports. */
function componentTables(results, catalog, document_, watched) {
  const nodes = results.nodes && typeof results.nodes === "object" ? results.nodes : {};
  const byKind = new Map();
  for (const [id, node] of Object.entries(nodes)) {
    const entry = catalog.kinds[node.kind];
    if (!entry || entry.in === "clients") continue; // a client's figures are in the systems' part
    if (!byKind.has(node.kind)) byKind.set(node.kind, []);
    byKind.get(node.kind).push([id, node]);
  }
  const kinds = Object.keys(catalog.kinds).filter((kind) => byKind.has(kind));
  return kinds.map((kind) => {
    const members = byKind.get(kind);
    const metrics = metricsOf(catalog, kind).filter((metric) => members.some(([, node]) => number(valueAt(node, metric.name)) !== null));
    const rows = members.map(([id, node]) =>
      el(
        "tr",
        { dataset: { node: id, kind } },
        el("th", { scope: "row" }, nameOf(document_, id), nameOf(document_, id) === id ? null : el("span", { class: "node-id" }, id)),
        metrics.map((metric) => {
          const value = valueAt(node, metric.name);
          const shown = number(value) !== null;
          return el(
            "td",
            mark({ dataset: { metric: metric.name, figure: metric.name.split(".").pop() } }, shown && watched.has(`node:${id}:${metric.name}`)),
            shown ? figureText(value, metric.unit) : "",
          );
        }),
      ),
    );
    return table(catalog.kinds[kind].title, ["Component", ...metrics.map(metricHead)], rows, { "data-testid": `kind-${kind}` });
  });
}

/**
 * The summary of one run's results. context: {catalog (metrics.js), document (the run's document,
 * for labels and its `watch` list)}.
 */
export function renderSummary(results, { catalog, document: document_ } = {}) {
  if (!results || typeof results !== "object") return el("p", { class: "muted" }, "No results yet.");
  const known = catalog || { kinds: {} };
  const watched = watchedKeys(document_);
  const kind = clientKind(known);
  const clientMetrics = kind ? metricsOf(known, kind) : [];
  const clients = clientsOf(results, document_, kind);
  const parts = [];
  if (results.stopped) parts.push(el("p", { class: "summary-note" }, `Stopped early, after ${formatFigure(results.duration_s, "s")} of simulated time.`));
  if (clients.length > 1) {
    parts.push(perClient(clients, clientMetrics, watched));
  } else {
    const only = clients.length === 1 ? clients[0].id : null;
    const watchedClient = (name) =>
      only !== null ? watched.has(`client:${only}:${name}`) : [...watched].some((key) => key.startsWith("client:") && key.endsWith(`:${name}`));
    parts.push(headline(results, clientMetrics, watchedClient));
  }
  const failovers = failoverRows(results);
  parts.push(
    failovers.length
      ? table("Failovers", ["Failed", "Standby", "Failed at", "Took over at", "RTO", "RPO (lost writes)"], failovers, { "data-testid": "failovers" })
      : el("p", { class: "muted" }, "No failovers."),
  );
  parts.push(el("div", { class: "summary-components", "data-testid": "components" }, componentTables(results, known, document_, watched)));
  const injected = Array.isArray(results.injected_events) ? results.injected_events : [];
  if (injected.length) {
    parts.push(
      el(
        "p",
        { class: "muted" },
        `Faults injected live (kept in the run's scenario, so it replays exactly): ` +
          injected.map((event) => `${formatFigure(event.at_s, "s")} ${event.action} ${event.target}`).join(", "),
      ),
    );
  }
  return el("div", { class: "summary" }, parts);
}

function diffRow(label, metric, a, b, attributes = {}) {
  const x = number(a);
  const y = number(b);
  return el(
    "tr",
    attributes,
    el("th", { scope: "row", title: metric.help || null }, label),
    el("td", {}, figureText(x, metric.unit)),
    el("td", {}, figureText(y, metric.unit)),
    el("td", { dataset: { tone: tone(metric, x, y) } }, deltaText(x === null || y === null ? null : y - x, metric.unit)),
  );
}

/** Runs A and B side by side: A, B, B − A (green where B is better, red where worse). */
export function renderDiff(a, b, labels = ["A", "B"], { catalog, document: document_ } = {}) {
  const known = catalog || { kinds: {} };
  const ra = a || {};
  const rb = b || {};
  const kind = clientKind(known);
  const clientMetrics = kind ? metricsOf(known, kind) : [];
  const present = (metric, x, y) => number(valueAt(x, metric.name)) !== null || number(valueAt(y, metric.name)) !== null;
  const clientIds = [...new Set([...Object.keys(ra.clients || {}), ...Object.keys(rb.clients || {})])];
  // Several systems side by side compare system by system: their merged figures answer no one.
  const rows = clientIds.length > 1 ? [] : clientMetrics
    .filter((metric) => present(metric, ra, rb))
    .map((metric) => diffRow(metric.label || metric.name, metric, valueAt(ra, metric.name), valueAt(rb, metric.name), { dataset: { summary: metric.name } })); // prettier-ignore
  if (clientIds.length > 1) {
    for (const id of clientIds) {
      const ca = (ra.clients || {})[id] || {};
      const cb = (rb.clients || {})[id] || {};
      for (const metric of clientMetrics.filter((candidate) => present(candidate, ca, cb))) {
        rows.push(diffRow(`${nameOf(document_, id)}: ${metric.label || metric.name}`, metric, valueAt(ca, metric.name), valueAt(cb, metric.name), { dataset: { client: id, metric: metric.name } })); // prettier-ignore
      }
    }
  }
  const ids = [...new Set([...Object.keys(ra.nodes || {}), ...Object.keys(rb.nodes || {})])];
  for (const id of ids) {
    const na = (ra.nodes || {})[id] || {};
    const nb = (rb.nodes || {})[id] || {};
    const nodeKind = na.kind || nb.kind;
    if (!known.kinds[nodeKind] || known.kinds[nodeKind].in === "clients") continue;
    for (const metric of metricsOf(known, nodeKind)) {
      const va = number(valueAt(na, metric.name));
      const vb = number(valueAt(nb, metric.name));
      if (!va && !vb) continue; // absent or zero in both: nothing to compare
      rows.push(diffRow(`${nameOf(document_, id)}: ${metric.label || metric.name}`, metric, va, vb, { dataset: { node: id, metric: metric.name } }));
    }
  }
  const failoverCount = (results) => (Array.isArray(results.failovers) ? results.failovers.length : 0);
  rows.push(diffRow("Failovers", { unit: "", better: null }, failoverCount(ra), failoverCount(rb)));
  return table("Compared", ["", labels[0], labels[1], `${labels[1]} − ${labels[0]}`], rows, { class: "summary-table diff", "data-testid": "diff" });
}

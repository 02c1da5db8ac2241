// What a finished run comes to, from its results document (spec/topology-format.md, "Results").
// No figure is named here: each kind declares the metrics it reports in the JSON Schema
// (metrics.js), and the summary shows every declared metric that the results carry:
//
// - the systems: the client kind's metrics, one column per client when the document holds
//   several (each fed system side by side, with the difference to the first), or the run's
//   headline figures when there is one;
// - the failovers, with their RTO and RPO (the writes they lost);
// - the components, one table per kind: each node's declared metrics (a metric a node does not
//   report, such as replication lag on a primary, is left empty);
// - the run's cost (total, per hour, per million requests; each node's is its `cost_usd` metric),
//   the scale events of each autoscaled node (when, from how many instances to how many), and the
//   calls over each wire with a timeout or a circuit breaker (failed, short-circuited, times the
//   breaker opened), when the results carry them.
//
// Figures the document asks to watch (its `watch` list) are marked `watched`. Two runs compare as a
// diff: A, B and B − A, green where B is better. Ids and labels are user text: they reach the page
// only as text nodes (ui.el never parses markup).

import { clientKind, metricsOf, tone, valueAt } from "./metrics.js";
import { formatDelta, formatFigure, formatInstant } from "./numbers.js";
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

/** What the run cost: total, per hour and per million requests (`results.cost`), or null. */
function costSection(results) {
  const cost = results.cost && typeof results.cost === "object" ? results.cost : null;
  if (!cost) return null;
  const figures = [
    ["total_usd", "Total", "What the measured part of the run cost, all components together.", (v) => `$${formatFigure(v)}`],
    ["per_hour_usd", "Per hour", "The same system running for an hour at this run's mean rate.", (v) => `$${formatFigure(v)}/h`],
    ["per_million_requests_usd", "Per million requests", "The total spread over the requests the clients sent.", (v) => `$${formatFigure(v)}`],
  ].filter(([name]) => number(cost[name]) !== null);
  if (!figures.length) return null;
  return el(
    "section",
    { class: "summary-cost", "data-testid": "cost", "aria-label": "Cost" },
    el("h3", {}, "Cost"),
    el(
      "dl",
      { class: "summary-figures" },
      figures.map(([name, label, help, write]) =>
        el("div", { class: "figure", dataset: { cost: name }, title: help }, el("dt", {}, label), el("dd", {}, write(cost[name]))),
      ),
    ),
    el("p", { class: "muted" }, "Each component's share is in its table below (Cost)."),
  );
}

/** Every scale event of every autoscaled node: when, and from how many instances to how many. */
function scaleEventsTable(results, document_) {
  const nodes = results.nodes && typeof results.nodes === "object" ? results.nodes : {};
  const rows = [];
  for (const [id, node] of Object.entries(nodes)) {
    const events = Array.isArray(node && node.scale_events) ? node.scale_events : [];
    for (const event of events) {
      const grew = number(event.to) !== null && number(event.from) !== null && event.to > event.from;
      rows.push(
        el(
          "tr",
          { dataset: { node: id } },
          el("th", { scope: "row" }, nameOf(document_, id)),
          el("td", { dataset: { figure: "at" } }, formatInstant(event.at_s)),
          el("td", { dataset: { figure: "change" } }, `${formatFigure(event.from)} → ${formatFigure(event.to)}`),
          el("td", {}, grew ? "scaled out" : "scaled in"),
        ),
      );
    }
  }
  const autoscaled = Object.values(nodes).some((node) => node && Array.isArray(node.scale_events));
  if (!rows.length) return autoscaled ? el("p", { class: "muted", "data-testid": "scale-events" }, "No scale events: every autoscaled component kept its size.") : null;
  return table("Scale events (instances asked for: an added one serves after its start-up time)", ["Component", "At", "Instances", ""], rows, { "data-testid": "scale-events" });
}

/** A wire as people read it: "source → target" by their names, else its id. */
function wireName(document_, edgeId) {
  const edges = document_ && Array.isArray(document_.edges) ? document_.edges : [];
  // An edge's id is its own `id`, else "source->target" (the format's rule).
  const edge = edges.find((candidate) => candidate && (candidate.id ?? `${candidate.source}->${candidate.target}`) === edgeId);
  return edge ? `${nameOf(document_, edge.source)} → ${nameOf(document_, edge.target)}` : edgeId;
}

/** The calls over wires with a timeout or a circuit breaker (`results.edges`), or null. */
function guardedEdgesTable(results, document_) {
  const edges = results.edges && typeof results.edges === "object" ? Object.entries(results.edges) : [];
  if (!edges.length) return null;
  const cell = (value, figure) => el("td", { dataset: { figure } }, figureText(number(value), ""));
  const rows = edges.map(([id, figures]) =>
    el(
      "tr",
      { dataset: { edge: id } },
      el("th", { scope: "row" }, wireName(document_, id), wireName(document_, id) === id ? null : el("span", { class: "node-id" }, id)),
      cell(figures.calls, "calls"),
      cell(figures.failed, "failed"),
      cell(figures.short_circuited, "short_circuited"),
      cell(figures.breaker_opened, "breaker_opened"),
    ),
  );
  const head = [
    "Wire",
    el("th", { scope: "col", title: "Calls sent over the wire (short-circuited ones not included)." }, "Calls"),
    el("th", { scope: "col", title: "Calls that failed: refused, rejected or timed out." }, "Failed"),
    el("th", { scope: "col", title: "Calls failed at once by the open breaker, never sent." }, "Short-circuited"),
    el("th", { scope: "col", title: "Times the circuit breaker opened." }, "Breaker opened"),
  ];
  return table("Wires with a timeout or a circuit breaker", head, rows, { "data-testid": "guarded-edges" });
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
  const cost = costSection(results);
  if (cost) parts.push(cost);
  const scaling = scaleEventsTable(results, document_);
  if (scaling) parts.push(scaling);
  const guarded = guardedEdgesTable(results, document_);
  if (guarded) parts.push(guarded);
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
  for (const [name, label] of [["total_usd", "Cost, total (USD)"], ["per_million_requests_usd", "Cost per million requests (USD)"]]) {
    const ca = ra.cost ? ra.cost[name] : undefined;
    const cb = rb.cost ? rb.cost[name] : undefined;
    if (number(ca) !== null || number(cb) !== null) rows.push(diffRow(label, { unit: "", better: "lower" }, ca, cb, { dataset: { cost: name } }));
  }
  const failoverCount = (results) => (Array.isArray(results.failovers) ? results.failovers.length : 0);
  rows.push(diffRow("Failovers", { unit: "", better: null }, failoverCount(ra), failoverCount(rb)));
  return table("Compared", ["", labels[0], labels[1], `${labels[1]} − ${labels[0]}`], rows, { class: "summary-table diff", "data-testid": "diff" });
}

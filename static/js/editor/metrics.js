// What each kind of component reports, as the engine declares it beside the component and serves
// with the JSON Schema (`$defs[kind]["x-metrics"]` and `["x-traits"]`). The summary table, the
// What-to-watch card and the live canvas's tooltips are built from these declarations, so a new
// metric needs one line in the engine and its declaration, and no JavaScript.
//
// A declaration is {name, label, unit, help, better}: `name` is a dotted path into the node's entry
// of `results.nodes[id]` (or, for a kind whose metrics are `in: "clients"`, into
// `results.clients[id]`) for the summary, or a field of the window's `nodes[id]` / `clients[id]`
// for the live view; `better` is "higher", "lower" or null.

import { api } from "./api.js";

let loading = null;

function declarations(list) {
  return (Array.isArray(list) ? list : []).filter((metric) => metric && typeof metric.name === "string");
}

/** The metric catalog from a JSON Schema: {kinds: {kind: {in, traits, summary, window}}}. */
export function readMetrics(schema) {
  const kinds = {};
  for (const [name, def] of Object.entries((schema && schema.$defs) || {})) {
    const kind = def && def.properties && def.properties.kind && def.properties.kind.const;
    if (!kind) continue;
    const metrics = def["x-metrics"] || {};
    kinds[kind] = {
      in: metrics.in === "clients" ? "clients" : "nodes",
      traits: def["x-traits"] || {},
      summary: declarations(metrics.summary),
      window: declarations(metrics.window),
      title: def.title || name,
    };
  }
  return { kinds };
}

/** The catalog of the schema served at /api/schema, fetched once per page. */
export function loadMetrics() {
  if (!loading) {
    loading = api.schema().then((answer) => readMetrics(answer.ok ? answer.body : {}));
  }
  return loading;
}

/** The value at a dotted path ("latency_ms.p99") in `object`, or undefined. */
export function valueAt(object, path) {
  let value = object;
  for (const part of String(path).split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = value[part];
  }
  return value;
}

/** The declarations of `kind` for "summary" or "window" ([] for a kind the schema does not know). */
export function metricsOf(catalog, kind, part = "summary") {
  const entry = catalog && catalog.kinds[kind];
  return entry ? entry[part] : [];
}

/** A trait of `kind` ("queues", "forwards", ...), false when undeclared. */
export function hasTrait(catalog, kind, trait) {
  const entry = catalog && catalog.kinds[kind];
  return Boolean(entry && entry.traits[trait]);
}

/** The kind whose metrics are per client (`in: "clients"`), or null. */
export function clientKind(catalog) {
  const found = Object.entries((catalog && catalog.kinds) || {}).find(([, entry]) => entry.in === "clients");
  return found ? found[0] : null;
}

/** How b compares with a for a metric: "better", "worse" or "same" (or "same" when neither is). */
export function tone(metric, a, b) {
  if (typeof a !== "number" || typeof b !== "number" || a === b || !metric || !metric.better) return "same";
  const higher = b > a;
  return (metric.better === "higher") === higher ? "better" : "worse";
}

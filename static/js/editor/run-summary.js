// What a finished run comes to, from its results document (spec/topology-format.md, "Results"):
// availability, goodput, latency percentiles, stale reads, lost writes, failovers with their RTO
// and RPO (the writes they lost), and each component's failures by reason (refused: sent to a
// component that was down; rejected: a full queue; timed out: no answer in time).
//
// Two runs compare as a diff: A, B and B − A for every figure. Ids and labels are user text: they
// reach the page only as text nodes (ui.el never parses markup).

import { el } from "./ui.js";

const HIGHER_IS_BETTER = new Set(["availability", "throughput_rps", "goodput_rps", "ok"]);

function number(value) {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

export function formatValue(value, unit = "") {
  const n = number(value);
  if (n === null) return "–";
  if (unit === "%") return `${(n * 100).toFixed(n >= 0.9995 || n === 0 ? 1 : 2)}%`;
  const magnitude = Math.abs(n);
  const text = Number.isInteger(n) ? n.toLocaleString("en") : magnitude >= 100 ? n.toFixed(1) : magnitude >= 1 ? n.toFixed(2) : n.toFixed(3);
  return unit ? `${text} ${unit}` : text;
}

/** The headline figures: [{key, label, unit, value(results)}]. */
export const FIGURES = [
  { key: "availability", label: "Availability", unit: "%", value: (r) => r.availability },
  { key: "goodput_rps", label: "Goodput", unit: "rps", value: (r) => r.goodput_rps ?? r.throughput_rps },
  { key: "throughput_rps", label: "Throughput", unit: "rps", value: (r) => r.throughput_rps },
  { key: "latency_p50", label: "Latency p50", unit: "ms", value: (r) => r.latency_ms && r.latency_ms.p50 },
  { key: "latency_p95", label: "Latency p95", unit: "ms", value: (r) => r.latency_ms && r.latency_ms.p95 },
  { key: "latency_p99", label: "Latency p99", unit: "ms", value: (r) => r.latency_ms && r.latency_ms.p99 },
  { key: "latency_max", label: "Latency max", unit: "ms", value: (r) => r.latency_ms && r.latency_ms.max },
  { key: "latency_mean", label: "Latency mean", unit: "ms", value: (r) => r.latency_ms && r.latency_ms.mean },
  { key: "stale_reads", label: "Stale reads", unit: "", value: (r) => r.stale_reads },
  { key: "lost_writes", label: "Lost writes", unit: "", value: (r) => r.lost_writes },
  { key: "requests", label: "Requests", unit: "", value: (r) => r.requests && r.requests.total },
  { key: "ok", label: "Succeeded", unit: "", value: (r) => r.requests && r.requests.ok },
  { key: "failed", label: "Failed", unit: "", value: (r) => r.requests && r.requests.failed },
  { key: "rejected", label: "Rejected attempts", unit: "", value: (r) => r.requests && r.requests.rejected },
  { key: "timed_out", label: "Timed-out attempts", unit: "", value: (r) => r.requests && r.requests.timed_out },
  { key: "retries", label: "Retries", unit: "", value: (r) => r.requests && r.requests.retries },
];

function table(caption, head, rows, attributes = {}) {
  return el(
    "table",
    { class: "summary-table", ...attributes },
    el("caption", {}, caption),
    el("thead", {}, el("tr", {}, head.map((text) => el("th", { scope: "col" }, text)))),
    el("tbody", {}, rows),
  );
}

function failoverRows(results) {
  const failovers = Array.isArray(results.failovers) ? results.failovers : [];
  return failovers.map((failover) =>
    el(
      "tr",
      {},
      el("td", {}, String(failover.failed ?? "?")),
      el("td", {}, String(failover.standby ?? "?")),
      el("td", {}, formatValue(failover.failed_at_s ?? failover.at_s, "s")),
      el("td", {}, formatValue(failover.took_over_at_s, "s")),
      el("td", { dataset: { figure: "rto" } }, formatValue(failover.rto_s, "s")),
      el("td", { dataset: { figure: "rpo" } }, formatValue(failover.lost_writes)),
    ),
  );
}

function nodeRows(results) {
  const nodes = results.nodes && typeof results.nodes === "object" ? results.nodes : {};
  return Object.entries(nodes).map(([id, node]) => {
    const failures = node.failures || {};
    return el(
      "tr",
      { dataset: { node: id } },
      el("th", { scope: "row" }, id),
      el("td", {}, String(node.kind ?? "")),
      el("td", { dataset: { figure: "refused" } }, formatValue(failures.refused)),
      el("td", { dataset: { figure: "rejected" } }, formatValue(failures.rejected)),
      el("td", { dataset: { figure: "timed_out" } }, formatValue(failures.timed_out)),
      el("td", {}, formatValue(node.downtime_s, "s")),
      el("td", {}, node.utilization === undefined ? "–" : formatValue(node.utilization, "%")),
      el("td", {}, node.hit_ratio === undefined ? "–" : formatValue(node.hit_ratio, "%")),
    );
  });
}

/** The summary of one run's results. */
export function renderSummary(results) {
  if (!results || typeof results !== "object") return el("p", { class: "muted" }, "No results yet.");
  const figures = el(
    "dl",
    { class: "summary-figures" },
    FIGURES.map((figure) =>
      el(
        "div",
        { class: "figure", dataset: { summary: figure.key } },
        el("dt", {}, figure.label),
        el("dd", {}, formatValue(figure.value(results), figure.unit)),
      ),
    ),
  );
  const parts = [figures];
  if (results.stopped) parts.unshift(el("p", { class: "summary-note" }, `Stopped early, after ${formatValue(results.duration_s, "s")} of simulated time.`));
  const failovers = failoverRows(results);
  parts.push(
    failovers.length
      ? table("Failovers", ["Failed", "Standby", "Failed at", "Took over at", "RTO", "RPO (lost writes)"], failovers, { "data-testid": "failovers" })
      : el("p", { class: "muted" }, "No failovers."),
  );
  parts.push(
    table("Failures by component", ["Component", "Kind", "Refused", "Rejected", "Timed out", "Down for", "Utilization", "Hit ratio"],
      nodeRows(results), { "data-testid": "node-failures" }), // prettier-ignore
  );
  const injected = Array.isArray(results.injected_events) ? results.injected_events : [];
  if (injected.length) {
    parts.push(
      el(
        "p",
        { class: "muted" },
        `Faults injected live (kept in the run's scenario, so it replays exactly): ` +
          injected.map((event) => `${formatValue(event.at_s, "s")} ${event.action} ${event.target}`).join(", "),
      ),
    );
  }
  return el("div", { class: "summary" }, parts);
}

function deltaText(a, b, unit) {
  const x = number(a);
  const y = number(b);
  if (x === null || y === null) return "–";
  const delta = y - x;
  if (unit === "%") return `${delta >= 0 ? "+" : "−"}${Math.abs(delta * 100).toFixed(2)} pt`;
  return `${delta >= 0 ? "+" : "−"}${formatValue(Math.abs(delta), unit)}`;
}

function tone(key, a, b) {
  const x = number(a);
  const y = number(b);
  if (x === null || y === null || x === y) return "same";
  const better = HIGHER_IS_BETTER.has(key) ? y > x : y < x;
  return better ? "better" : "worse";
}

/** Runs A and B side by side: A, B, B − A (green where B is better, red where worse). */
export function renderDiff(a, b, labels = ["A", "B"]) {
  const rows = FIGURES.map((figure) => {
    const va = figure.value(a || {});
    const vb = figure.value(b || {});
    return el(
      "tr",
      { dataset: { summary: figure.key } },
      el("th", { scope: "row" }, figure.label),
      el("td", {}, formatValue(va, figure.unit)),
      el("td", {}, formatValue(vb, figure.unit)),
      el("td", { dataset: { tone: tone(figure.key, va, vb) } }, deltaText(va, vb, figure.unit)),
    );
  });
  const failures = (results, id, reason) => (((results || {}).nodes || {})[id] || {}).failures?.[reason];
  const ids = [...new Set([...Object.keys((a || {}).nodes || {}), ...Object.keys((b || {}).nodes || {})])];
  for (const id of ids) {
    for (const reason of ["refused", "rejected", "timed_out"]) {
      const va = failures(a, id, reason);
      const vb = failures(b, id, reason);
      if (!number(va) && !number(vb)) continue;
      rows.push(
        el(
          "tr",
          {},
          el("th", { scope: "row" }, `${id}: ${reason.replace("_", " ")}`),
          el("td", {}, formatValue(va)),
          el("td", {}, formatValue(vb)),
          el("td", { dataset: { tone: tone(reason, va, vb) } }, deltaText(va, vb, "")),
        ),
      );
    }
  }
  const failoverCount = (results) => (Array.isArray((results || {}).failovers) ? results.failovers.length : 0);
  rows.push(
    el("tr", {}, el("th", { scope: "row" }, "Failovers"), el("td", {}, String(failoverCount(a))),
      el("td", {}, String(failoverCount(b))), el("td", {}, deltaText(failoverCount(a), failoverCount(b), ""))), // prettier-ignore
  );
  return table("Compared", ["", labels[0], labels[1], `${labels[1]} − ${labels[0]}`], rows, { class: "summary-table diff", "data-testid": "diff" });
}

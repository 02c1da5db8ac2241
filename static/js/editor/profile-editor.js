// The editor of a traffic shape (a client's `rate_profile`): a list of [t_s, rps] points in time
// order, the rate going linearly from point to point and holding the first value before the first
// point and the last after the last (spec/topology-format.md, "Traffic shape").
//
// The generic form (form.js) edits one number or one choice; a list of points needs its own field:
// a mini chart of the shape over the scenario's duration (an SVG drawn here: the points and the
// line between them, nothing to animate, so no chart library), the points as a table of rows
// (t_s, rps) that can be added and removed, and ready shapes (a spike, a ramp, a daily cycle)
// scaled to the client's steady rate and the scenario's duration. A table that does not make a
// profile (a value that is not a number, a point before the one above it) is shown inline, naming
// the point and the problem, and is not applied; an empty table removes the profile (the steady
// `rate_rps` applies again).

import { humanize } from "./schema.js";
import { el } from "./ui.js";

const SVG = "http://www.w3.org/2000/svg";
const CHART_WIDTH = 260;
const CHART_HEIGHT = 84;
const PAD = { left: 34, right: 8, top: 8, bottom: 16 };
/** The engine's limits (its `x-limits`), used when the schema does not say. */
const LIMITS = { max_duration_s: 86400, max_rate_rps: 1_000_000, max_profile_points: 200 };

/** Whether `param` is a list of points this editor edits (the schema's only list of numbers). */
export function isProfileParam(param) {
  return param.type === "array" && !param.refersTo;
}

/** `value` to the nearest `step` (0.1: one decimal), without float noise (0.30000000000000004). */
function round(value, step = 0.1) {
  return +(Math.round(value / step) * step).toFixed(3);
}

/**
 * Ready shapes, as [t_s, rps] points for a client whose steady rate is `rate` over a run of
 * `duration` seconds: {spike, ramp, daily}.
 */
export function readyShapes(rate, duration, maxRate = LIMITS.max_rate_rps) {
  const r = Math.max(0, Number(rate) || 0);
  const d = Math.max(4, Math.round(Number(duration) || 60));
  const cap = (value) => Math.min(maxRate, round(value));
  const start = Math.max(1, Math.round(d * 0.3));
  const end = Math.max(start + 2, Math.round(d * 0.6));
  return {
    // Five times the rate for the middle third of the run, reached and left within a second.
    spike: [[0, cap(r)], [start, cap(r)], [start + 1, cap(5 * r)], [end, cap(5 * r)], [end + 1, cap(r)]],
    // From the rate to three times it, steadily over the whole run.
    ramp: [[0, cap(r)], [d, cap(3 * r)]],
    // A day squeezed into the run: a night at 40% of the rate, a midday peak at 160%.
    daily: Array.from({ length: 13 }, (_, i) => [round((d * i) / 12, 1), cap(r * (1 - 0.6 * Math.cos((2 * Math.PI * i) / 12)))]),
  }; // prettier-ignore
}

const SHAPE_NAMES = { spike: "Spike", ramp: "Ramp", daily: "Daily cycle" };
const SHAPE_HELP = {
  spike: "Five times the steady rate for the middle third of the run",
  ramp: "From the steady rate to three times it over the run",
  daily: "A day in the run's duration: 40% at night, 160% at midday",
};

function numberText(value) {
  if (typeof value !== "number" || !Number.isFinite(value)) return value === undefined || value === null ? "" : String(value);
  return Number.isInteger(value) ? String(value) : String(+value.toPrecision(12));
}

/**
 * Reads the table's rows ([{t, rps}] as typed) into points, or names the first problem:
 * {points} or {error}. An empty table is {points: []} (no profile).
 */
export function readRows(rows, limits = LIMITS) {
  if (rows.length > limits.max_profile_points) {
    return { error: `has ${rows.length} points; the limit is ${limits.max_profile_points}` };
  }
  const points = [];
  for (const [index, row] of rows.entries()) {
    const name = `point ${index + 1}`;
    const values = [];
    for (const [field, text] of [["t_s", row.t], ["rps", row.rps]]) {
      const trimmed = String(text ?? "").trim();
      if (trimmed === "") return { error: `${name}: ${field} is empty`, row: index };
      if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(trimmed)) return { error: `${name}: ${field} must be a number (got "${trimmed}")`, row: index };
      values.push(Number(trimmed));
    }
    const [t, rps] = values;
    if (t < 0 || t > limits.max_duration_s) return { error: `${name}: t_s must be from 0 to ${limits.max_duration_s} s (got ${numberText(t)})`, row: index };
    if (rps < 0) return { error: `${name}: rps must be at least 0 (got ${numberText(rps)})`, row: index };
    if (rps > limits.max_rate_rps) return { error: `${name}: rps must be at most ${limits.max_rate_rps} (got ${numberText(rps)})`, row: index };
    if (points.length && t < points[points.length - 1][0]) {
      return { error: `${name} (t_s ${numberText(t)}) comes before point ${index} (t_s ${numberText(points[points.length - 1][0])}): points must be in time order`, row: index }; // prettier-ignore
    }
    points.push([t, rps]);
  }
  return { points };
}

function svg(tag, attributes = {}, text = null) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== null) node.textContent = text;
  return node;
}

/** The mini chart of `points` over [0, duration] (flat before the first and after the last). */
export function profileChart(points, duration, steadyRate) {
  const chart = svg("svg", {
    class: "profile-chart", width: CHART_WIDTH, height: CHART_HEIGHT, viewBox: `0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`, role: "img",
  }); // prettier-ignore
  const shown = points.length ? points : [[0, steadyRate]];
  const end = Math.max(1, duration, ...shown.map(([t]) => t));
  const top = Math.max(1, ...shown.map(([, rps]) => rps)) * 1.1;
  const x = (t) => PAD.left + (t / end) * (CHART_WIDTH - PAD.left - PAD.right);
  const y = (rps) => CHART_HEIGHT - PAD.bottom - (rps / top) * (CHART_HEIGHT - PAD.top - PAD.bottom);
  const line = [[0, shown[0][1]], ...shown, [end, shown[shown.length - 1][1]]].map(([t, rps]) => `${x(t).toFixed(1)},${y(rps).toFixed(1)}`);
  chart.append(
    svg("line", { x1: PAD.left, y1: y(0), x2: CHART_WIDTH - PAD.right, y2: y(0), stroke: "#cbd5e1" }),
    svg("line", { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: y(0), stroke: "#cbd5e1" }),
    svg("polyline", { points: line.join(" "), fill: "none", stroke: points.length ? "#2563eb" : "#94a3b8", "stroke-width": 2, "stroke-dasharray": points.length ? "" : "4 3" }),
    svg("text", { x: PAD.left - 4, y: PAD.top + 8, "text-anchor": "end", class: "profile-tick" }, `${numberText(round(top / 1.1, 1))}`),
    svg("text", { x: PAD.left - 4, y: y(0), "text-anchor": "end", class: "profile-tick" }, "0"),
    svg("text", { x: CHART_WIDTH - PAD.right, y: CHART_HEIGHT - 3, "text-anchor": "end", class: "profile-tick" }, `${numberText(round(end, 1))} s`),
    svg("text", { x: PAD.left + 2, y: CHART_HEIGHT - 3, class: "profile-tick" }, "rps over time"),
  ); // prettier-ignore
  for (const [t, rps] of points) chart.append(svg("circle", { cx: x(t), cy: y(rps), r: 3, fill: "#2563eb", class: "profile-point" }));
  const words = points.length ? `${points.length} points, from ${numberText(points[0][1])} to ${numberText(points[points.length - 1][1])} rps` : `steady ${numberText(steadyRate)} rps`;
  chart.append(svg("title", {}, `Traffic shape: ${words}`));
  return chart;
}

/**
 * The field for a profile parameter, with form.js's paramField arguments plus
 * context: {rate (the client's steady rate), duration (the scenario's, in s), limits}, or a
 * function giving it.
 */
export function profileField({ param, value, isSet, idPrefix, disabled, onCommit, onValidity, context = {} }) {
  const id = `${idPrefix}-${param.name}`;
  const errorId = `${id}-error`;
  const helpId = `${id}-help`;
  const title = humanize(param.name, param.unit);
  // The context may be a function: the client's rate and the run's duration as they are when a
  // shape is picked (the rate field above may have changed since this field was drawn).
  const now = () => {
    const found = (typeof context === "function" ? context() : context) || {};
    return {
      limits: { ...LIMITS, ...(found.limits || {}) },
      rate: typeof found.rate === "number" ? found.rate : 100,
      duration: typeof found.duration === "number" ? found.duration : 60,
    };
  };
  const { limits, duration } = now();
  const field = el("div", { class: "field profile-editor", dataset: { param: param.name, set: String(Boolean(isSet)) } });
  const error = el("p", { class: "field-error", id: errorId, role: "alert" });
  const chartBox = el("div", { class: "profile-chart-box" });
  const body = el("tbody", {});
  // As the document holds it; a malformed point is shown as typed and named by the check below.
  let set = Boolean(isSet);
  const points = isSet && Array.isArray(value) ? value.map((point) => (Array.isArray(point) ? [...point] : [point])) : [];

  const rows = () => [...body.querySelectorAll("tr")].map((row) => ({ t: row.querySelector("[data-col=t]").value, rps: row.querySelector("[data-col=rps]").value }));

  const report = (problem, rowIndex = -1) => {
    error.textContent = problem ? `${title}: ${problem}.` : "";
    [...body.querySelectorAll("tr")].forEach((row, index) => {
      for (const input of row.querySelectorAll("input")) input.setAttribute("aria-invalid", index === rowIndex ? "true" : "false");
    });
    if (onValidity) onValidity(!problem);
  };

  const drawChart = (shown) => chartBox.replaceChildren(profileChart(shown, now().duration, now().rate));

  /** Reads the table: shows the problem, or the new chart and commits the points. */
  const apply = ({ commit }) => {
    const read = readRows(rows(), limits);
    if (read.error) {
      report(read.error, read.row ?? -1);
      return;
    }
    report("");
    drawChart(read.points);
    if (!commit) return;
    // The panel keeps this field after its own writes, so whether the document sets the profile
    // is followed here.
    if (read.points.length) {
      onCommit({ value: read.points });
      set = true;
    } else if (set) {
      onCommit({ unset: true });
      set = false;
    }
    field.dataset.set = String(set);
  };

  const rowFor = (point, index) => {
    const input = (col, text, label) => {
      const box = el("input", {
        type: "text", inputmode: "decimal", autocomplete: "off", spellcheck: "false", "aria-label": `${label} of point ${index + 1}`,
        dataset: { col }, "aria-describedby": errorId, disabled,
      }); // prettier-ignore
      box.value = text;
      box.addEventListener("input", () => apply({ commit: false }));
      box.addEventListener("change", () => apply({ commit: true }));
      box.addEventListener("keydown", (event) => {
        if (event.key === "Enter") box.dispatchEvent(new Event("change"));
      });
      return box;
    };
    const remove = el("button", { type: "button", class: "profile-remove", "aria-label": `Remove point ${index + 1}`, title: "Remove this point", disabled }, "×");
    remove.addEventListener("click", () => {
      remove.closest("tr").remove();
      renumber();
      apply({ commit: true });
    });
    return el(
      "tr",
      {},
      el("td", {}, input("t", point ? numberText(point[0]) : "", "Time in seconds")),
      el("td", {}, input("rps", point ? numberText(point[1]) : "", "Requests per second")),
      el("td", {}, remove),
    );
  };

  const renumber = () => {
    [...body.querySelectorAll("tr")].forEach((row, index) => {
      row.querySelector("[data-col=t]").setAttribute("aria-label", `Time in seconds of point ${index + 1}`);
      row.querySelector("[data-col=rps]").setAttribute("aria-label", `Requests per second of point ${index + 1}`);
      row.querySelector(".profile-remove").setAttribute("aria-label", `Remove point ${index + 1}`);
    });
  };

  const fill = (shown) => body.replaceChildren(...shown.map((point, index) => rowFor(point, index)));

  const add = el("button", { type: "button", class: "profile-add", disabled }, "Add point");
  add.addEventListener("click", () => {
    const current = readRows(rows(), limits).points || [];
    const last = current[current.length - 1];
    // After the last point by a tenth of the run, at its rate; the first point is the steady rate at 0 s.
    const point = last ? [round(Math.min(limits.max_duration_s, last[0] + Math.max(1, duration / 10)), 1), last[1]] : [0, now().rate];
    body.append(rowFor(point, body.children.length));
    apply({ commit: true });
    const inputs = body.querySelectorAll("input");
    if (inputs.length >= 2) inputs[inputs.length - 2].focus();
  });
  const clear = el("button", { type: "button", class: "profile-clear", disabled, title: "No profile: the steady rate applies" }, "Steady rate");
  clear.addEventListener("click", () => {
    fill([]);
    apply({ commit: true });
  });
  const shapeButtons = Object.entries(SHAPE_NAMES).map(([name, label]) => {
    const button = el("button", { type: "button", dataset: { shape: name }, title: `${SHAPE_HELP[name]}, scaled to the client's rate and the run's duration`, disabled }, label); // prettier-ignore
    button.addEventListener("click", () => {
      const { rate, duration: length } = now();
      fill(readyShapes(rate, length, limits.max_rate_rps)[name]);
      apply({ commit: true });
    });
    return button;
  });

  fill(points);
  field.append(
    el("label", { for: `${id}-shapes` }, title, el("span", { class: "unit" }, "[t_s, rps] points")),
    chartBox,
    el("div", { class: "profile-shapes", id: `${id}-shapes`, role: "group", "aria-label": "Ready shapes" }, el("span", { class: "muted" }, "Shapes:"), shapeButtons),
    el(
      "table",
      { class: "profile-table", "aria-describedby": `${errorId} ${helpId}` },
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "t (s)"), el("th", { scope: "col" }, "rps"), el("th", { scope: "col" }, el("span", { class: "visually-hidden" }, "Remove")))),
      body,
    ),
    el("div", { class: "profile-actions" }, add, clear),
    error,
    el("p", { class: "field-help", id: helpId }, param.help, " Empty: the steady rate applies."),
  ); // prettier-ignore
  const initial = readRows(rows(), limits);
  drawChart(initial.points || []);
  if (initial.error) report(initial.error, initial.row ?? -1);
  return field;
}

// Figures are written one way everywhere in the run view: three significant digits, thousands
// separators, and the unit. So "11,800 ms" sits beside "18,400 ms", never "11812.5 ms" beside
// "18,375 ms". Whole counts (requests, objects, sessions) are exact: 1,234,567 requests is not
// rounded to 1,230,000. A ratio (0..1) reads as a percentage; an availability keeps enough digits
// to tell 99.95% from 100%.

const GROUPED = new Intl.NumberFormat("en", { maximumSignificantDigits: 3 });
const EXACT = new Intl.NumberFormat("en", { maximumFractionDigits: 0 });

/** Units that count whole things: shown exactly, with the unit word after the number. */
const COUNTS = new Set(["", "requests", "objects", "sessions", "reads", "writes", "instances", "calls", "events"]);

function finite(value) {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** A ratio 0..1 as a percentage: 3 significant digits, more when it is close to 100%. */
export function formatPercent(value) {
  const n = finite(value);
  if (n === null) return "–";
  const percent = n * 100;
  if (percent === 100 || percent === 0) return `${percent}%`;
  // 99.95% must not read as 100%: keep digits until the distance to 100% shows.
  const digits = percent > 99 ? Math.min(6, 3 + Math.ceil(-Math.log10(100 - percent))) : 3;
  return `${new Intl.NumberFormat("en", { maximumSignificantDigits: digits }).format(percent)}%`;
}

/** ``value`` with ``unit`` ("ms", "s", "rps", "ratio", "%", a count noun, or ""). */
export function formatFigure(value, unit = "") {
  const n = finite(value);
  if (n === null) return "–";
  if (unit === "ratio" || unit === "%") return formatPercent(n);
  const text = COUNTS.has(unit) && Number.isInteger(n) ? EXACT.format(n) : GROUPED.format(n);
  return unit ? `${text} ${unit}` : text;
}

const INSTANT = new Intl.NumberFormat("en", { maximumFractionDigits: 1 });

/**
 * A moment of simulated time, to the tenth of a second ("31.5 s", "1,234 s"): a time stamp is not
 * a measurement, so it is not cut to three significant digits.
 */
export function formatInstant(seconds) {
  const n = finite(seconds);
  return n === null ? "–" : `${INSTANT.format(n)} s`;
}

/** A difference b − a with its sign, in the same style ("+1.2 ms", "−0.5 pt" for ratios). */
export function formatDelta(delta, unit = "") {
  const n = finite(delta);
  if (n === null) return "–";
  const sign = n > 0 ? "+" : n < 0 ? "−" : "±";
  if (unit === "ratio" || unit === "%") {
    return `${sign}${GROUPED.format(Math.abs(n * 100))} pt`;
  }
  const magnitude = COUNTS.has(unit) && Number.isInteger(n) ? EXACT.format(Math.abs(n)) : GROUPED.format(Math.abs(n));
  return unit ? `${sign}${magnitude} ${unit}` : `${sign}${magnitude}`;
}

/** How many decimals write `step` exactly (0.25 → 2, 5 → 0, 2.5 → 1), at most 6. */
function decimalsOf(step) {
  for (let decimals = 0; decimals < 6; decimals += 1) {
    const scaled = step * 10 ** decimals;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6 * Math.max(1, scaled)) return decimals;
  }
  return 6;
}

/**
 * An axis tick: short (1.2k, 3M, in the unit of the axis's `largest` tick) and with as many
 * decimals as the axis step needs, so two ticks of one axis never read the same (a queue of 0.25
 * and 0.5 is not "0" and "1"; 10,050 and 10,100 are not both "10.1k").
 */
export function formatTick(value, step = 0, largest = value) {
  const n = finite(value);
  if (n === null) return "";
  if (n === 0) return "0";
  // One unit for the whole axis, that of its largest tick: "5k, 10k", not "5,000, 10k".
  const magnitude = Math.max(Math.abs(finite(largest) ?? n), Math.abs(step) || 0);
  const [divisor, suffix] = magnitude >= 1e6 ? [1e6, "M"] : magnitude >= 1e4 ? [1e3, "k"] : [1, ""];
  const decimals = step > 0 ? decimalsOf(step / divisor) : divisor === 1 && !Number.isInteger(n) ? 2 : 0;
  const text = new Intl.NumberFormat("en", { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(n / divisor);
  return `${text}${suffix}`;
}

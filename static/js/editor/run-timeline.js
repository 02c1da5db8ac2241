// The run's timeline: a bar as long as the scenario, the warm-up hatched, a cursor at the current
// simulated second, and a mark for each scenario event, each fault injected live (outlined, and
// at its exact second once the results give it) and each failover from the results. A failover is
// marked where the standby took over (`took_over_at_s`), with a band back to the failure
// (`failed_at_s`): the gap between them is the outage the failover did not hide. The same marks
// go on the charts as vertical lines.
//
// Marks are listed as text too (the bar is decoration for those who cannot see it).

import { formatFigure, formatInstant } from "./numbers.js";
import { el } from "./ui.js";

export const ACTION_WORDS = {
  fail: "fail", recover: "recover", partition: "cut", heal: "heal", slow: "slow", set: "set", failover: "failover",
}; // prettier-ignore

/** One line for a mark: "40 s · fail app1 (live)", "31.5 s · standby-cold took over from db-cold, 16.5 s after it failed". */
export function markText(mark) {
  const origin = mark.origin === "live" ? " (live)" : "";
  const at = formatInstant(mark.at_s);
  if (mark.action === "failover") {
    if (!mark.tookOver) return `${at} · ${mark.failed} failed: ${mark.standby} did not take over`;
    const after = formatFigure(mark.at_s - mark.from_s, "s");
    return `${at} · ${mark.standby} took over from ${mark.failed}, ${after} after it failed`;
  }
  return `${at} · ${ACTION_WORDS[mark.action] || mark.action} ${mark.target}${origin}`;
}

export class RunTimeline {
  constructor(container) {
    this.container = container;
    this.duration = 60;
    this.warmup = 0;
    this.marks = [];
    this.t = 0;
    this.bar = el("div", { class: "run-timeline-bar", "aria-hidden": "true" });
    this.list = el("ol", { class: "run-marks", "aria-label": "Events on the timeline" });
    this.container.replaceChildren(this.bar, this.list);
  }

  /** A run of `duration` simulated seconds (warm-up `warmup`) with these marks. */
  reset({ duration, warmup, marks, empty }) {
    this.empty = empty || "No events in this scenario: right-click a component while the run goes to fail it.";
    this.duration = duration > 0 ? duration : 60;
    this.warmup = warmup > 0 ? warmup : 0;
    this.marks = marks;
    this.t = 0;
    this.render();
  }

  setMarks(marks) {
    this.marks = marks;
    this.render();
  }

  setTime(t) {
    this.t = t;
    if (this.cursor) this.cursor.style.left = `${this.percent(t)}%`;
  }

  percent(t) {
    return Math.max(0, Math.min(100, (t / this.duration) * 100));
  }

  render() {
    const children = [];
    if (this.warmup) children.push(el("div", { class: "warmup", style: `width:${this.percent(this.warmup)}%`, title: `warm-up: ${formatInstant(this.warmup)}` }));
    for (const mark of this.marks) {
      if (mark.action === "failover" && mark.from_s < mark.at_s) {
        children.push(
          el("div", {
            class: "band",
            style: `left:${this.percent(mark.from_s)}%;width:${this.percent(mark.at_s) - this.percent(mark.from_s)}%`,
            title: markText(mark),
          }),
        );
      }
      children.push(
        el("div", {
          class: "tick",
          style: `left:${this.percent(mark.at_s)}%`,
          title: markText(mark),
          dataset: { action: mark.action, origin: mark.origin },
        }),
      );
    }
    this.cursor = el("div", { class: "cursor", style: `left:${this.percent(this.t)}%` });
    children.push(this.cursor);
    children.push(el("span", { class: "end" }, formatInstant(this.duration)));
    this.bar.replaceChildren(...children);
    const sorted = [...this.marks].sort((a, b) => a.at_s - b.at_s);
    this.list.replaceChildren(
      ...(sorted.length
        ? sorted.map((mark) => el("li", { dataset: { action: mark.action, origin: mark.origin } }, markText(mark)))
        : [el("li", { class: "muted" }, this.empty)]),
    );
  }
}

/** Timeline marks from a scenario's events, live injections and the results' failovers. */
export function marksFrom({ events = [], injected = [], failovers = [] }) {
  const marks = [];
  // A finished run's document has its live faults merged into the scenario: list them once.
  const live = new Set(injected.map((event) => `${event.at_s}|${event.action}|${event.target}`));
  for (const event of events) {
    if (event && live.has(`${event.at_s}|${event.action}|${event.target}`)) continue;
    if (event && typeof event.at_s === "number") marks.push({ at_s: event.at_s, action: event.action, target: String(event.target), origin: "scenario" });
  }
  for (const event of injected) marks.push({ ...event, target: String(event.target), origin: "live" });
  for (const failover of failovers) {
    const failedAt = failover.failed_at_s ?? failover.detected_at_s;
    if (typeof failedAt !== "number") continue;
    const tookOver = typeof failover.took_over_at_s === "number";
    marks.push({
      at_s: tookOver ? failover.took_over_at_s : failedAt,
      from_s: failedAt,
      action: "failover",
      failed: String(failover.failed),
      standby: String(failover.standby),
      target: `${failover.failed} → ${failover.standby}`,
      tookOver,
      origin: "results",
    });
  }
  return marks;
}

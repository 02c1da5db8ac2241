// The run's timeline: a bar as long as the scenario, the warm-up hatched, a cursor at the current
// simulated second, and a mark for each scenario event, each fault injected live (outlined, and
// at its exact second once the results give it) and each failover from the results (from the
// failure to the standby taking over). The same marks go on the charts as vertical lines.
//
// Marks are listed as text too (the bar is decoration for those who cannot see it).

import { el } from "./ui.js";

export const ACTION_WORDS = {
  fail: "fail", recover: "recover", partition: "cut", heal: "heal", slow: "slow", set: "set", failover: "failover",
}; // prettier-ignore

/** One line for a mark: "40 s · fail app1 (live)". */
export function markText(mark) {
  const origin = mark.origin === "live" ? " (live)" : mark.origin === "results" ? "" : "";
  const what = mark.action === "failover" ? `failover ${mark.target}` : `${ACTION_WORDS[mark.action] || mark.action} ${mark.target}`;
  return `${Math.round(mark.at_s * 10) / 10} s · ${what}${origin}`;
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
    if (this.warmup) children.push(el("div", { class: "warmup", style: `width:${this.percent(this.warmup)}%`, title: `warm-up: ${this.warmup} s` }));
    for (const mark of this.marks) {
      if (mark.action === "failover" && mark.until_s > mark.at_s) {
        children.push(
          el("div", {
            class: "band",
            style: `left:${this.percent(mark.at_s)}%;width:${this.percent(mark.until_s) - this.percent(mark.at_s)}%`,
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
    children.push(el("span", { class: "end" }, `${this.duration} s`));
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
    const at = failover.failed_at_s ?? failover.at_s ?? failover.detected_at_s;
    if (typeof at !== "number") continue;
    const until = failover.took_over_at_s ?? (typeof failover.rto_s === "number" ? at + failover.rto_s : at);
    marks.push({ at_s: at, until_s: until, action: "failover", target: `${failover.failed} → ${failover.standby}`, origin: "results" });
  }
  return marks;
}

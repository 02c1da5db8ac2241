// The Scenario tab: how long to run, the warm-up, the seed, and a timeline of events (fail,
// recover, partition, heal, slow, set) that can be added, edited and removed. Fields and actions
// come from the schema's `scenario` and `event_*` definitions. The scenario lives beside the
// diagram in the document; an untouched document keeps no scenario at all (defaults apply).
//
// Plain value edits update the document without redrawing the panel (so tabbing through it is
// never interrupted); adding, removing or re-typing an event redraws it.

import { applyCommit, paramField } from "./form.js";
import { humanize, parseInput, valueToText } from "./schema.js";
import { el } from "./ui.js";

export class ScenarioPanel {
  constructor({ container, schema, canvas, readOnly, getScenario, setScenario }) {
    this.container = container;
    this.schema = schema;
    this.canvas = canvas;
    this.readOnly = readOnly;
    this.getScenario = getScenario;
    this.setScenario = setScenario;
  }

  scenario() {
    return this.getScenario() || {};
  }

  events() {
    const events = this.scenario().events;
    return Array.isArray(events) ? events : [];
  }

  update(patch) {
    this.setScenario({ ...this.scenario(), ...patch });
    this.renderTimeline();
  }

  setEvents(events, redraw) {
    this.update({ events });
    if (redraw) this.render();
  }

  /** Redraws unless someone is typing in it. */
  refreshIfIdle() {
    if (this.container.closest("[hidden]")) return;
    if (this.container.contains(document.activeElement)) return;
    this.render();
  }

  render() {
    const focusedId = this.container.contains(document.activeElement) ? document.activeElement.id : null;
    const scenario = this.scenario();
    const fields = el("fieldset", { disabled: this.readOnly, "aria-label": "Run settings" });
    for (const param of this.schema.scenarioFields) {
      fields.append(
        paramField({
          param,
          value: scenario[param.name],
          isSet: Object.prototype.hasOwnProperty.call(scenario, param.name),
          idPrefix: "scenario",
          disabled: this.readOnly,
          onCommit: (commit) => {
            this.setScenario(applyCommit(this.scenario(), param.name, commit));
            this.renderTimeline();
          },
        }),
      );
    }
    this.timeline = el("div", { class: "timeline", role: "img", "aria-label": "Timeline of events" });
    const list = el("ol", { class: "scenario-events", "aria-label": "Events" });
    this.events().forEach((event, index) => list.append(this.eventCard(event, index)));
    const add = el(
      "button",
      { type: "button", id: "btn-add-event", disabled: this.readOnly, onclick: () => this.addEvent() },
      "Add event",
    );
    this.container.replaceChildren(
      el("h3", {}, "Run"),
      fields,
      el("h3", {}, "Timeline"),
      this.timeline,
      this.events().length ? list : el("p", { class: "muted" }, "No events: the system runs undisturbed."),
      add,
    );
    this.renderTimeline();
    if (focusedId) {
      const again = document.getElementById(focusedId);
      if (again) again.focus();
    }
  }

  duration() {
    const scenario = this.scenario();
    const field = this.schema.scenarioFields.find((param) => param.name === "duration_s");
    const value = scenario.duration_s ?? (field ? field.default : 60);
    return typeof value === "number" && value > 0 ? value : 60;
  }

  renderTimeline() {
    if (!this.timeline) return;
    const duration = this.duration();
    const warmup = this.scenario().warmup_s;
    const marks = [];
    if (typeof warmup === "number" && warmup > 0) {
      marks.push(el("div", { class: "warmup", style: `width:${Math.min(100, (100 * warmup) / duration)}%`, title: `warm-up ${warmup} s` }));
    }
    for (const event of this.events()) {
      if (typeof event.at_s !== "number") continue;
      const left = Math.max(0, Math.min(100, (100 * event.at_s) / duration));
      marks.push(
        el("div", {
          class: "tick",
          style: `left:${left}%`,
          dataset: { action: String(event.action) },
          title: `${event.at_s} s: ${event.action} ${event.target ?? ""}`,
        }),
      );
    }
    this.timeline.replaceChildren(...marks);
    this.timeline.setAttribute(
      "aria-label",
      `Timeline of ${duration} s with ${this.events().length} event${this.events().length === 1 ? "" : "s"}`,
    );
  }

  targets(action) {
    if (action && action.refersTo === "edge") {
      return this.canvas.graph.getEdges().map((edge) => {
        const id = this.canvas.edgeDocId(edge);
        return { value: id, label: id };
      });
    }
    return this.canvas.nodes().map((node) => ({ value: node.id, label: `${node.label || node.id} (${node.id})` }));
  }

  addEvent() {
    const first = this.schema.actions[0];
    const targets = this.targets(first);
    const at = Math.round(this.duration() / 2);
    const event = { at_s: at, action: first ? first.name : "fail", target: targets.length ? targets[0].value : "" };
    this.setEvents([...this.events(), event], true);
    const card = document.getElementById(`event-${this.events().length - 1}-at`);
    if (card) card.focus();
  }

  replaceEvent(index, next, redraw) {
    const events = this.events().slice();
    events[index] = next;
    this.setEvents(events, redraw);
  }

  eventCard(event, index) {
    const prefix = `event-${index}`;
    const action = this.schema.actionsByName[event.action];
    const disabled = this.readOnly;
    const atInput = el("input", { id: `${prefix}-at`, type: "text", inputmode: "decimal", disabled, "aria-describedby": `${prefix}-at-error` });
    atInput.value = valueToText(event.at_s);
    const atError = el("p", { class: "field-error", id: `${prefix}-at-error`, role: "alert" });
    const atParam = { name: "at_s", type: "number", minimum: 0, maximum: this.duration(), nullable: false };
    atInput.addEventListener("change", () => {
      const parsed = parseInput(atParam, atInput.value);
      const message = parsed.unset ? "is required" : parsed.error;
      atError.textContent = message ? `At ${message}.` : "";
      atInput.setAttribute("aria-invalid", String(Boolean(message)));
      if (!message) this.replaceEvent(index, { ...this.events()[index], at_s: parsed.value }, false);
    });
    const actionSelect = el(
      "select",
      { id: `${prefix}-action`, disabled },
      this.schema.actions.map((option) => el("option", { value: option.name }, option.title)),
      action ? null : el("option", { value: String(event.action) }, `${event.action} (unknown)`),
    );
    actionSelect.value = String(event.action);
    actionSelect.addEventListener("change", () => {
      const nextAction = this.schema.actionsByName[actionSelect.value];
      const current = this.events()[index];
      const next = { at_s: current.at_s, action: actionSelect.value, target: current.target };
      if (!action || nextAction.refersTo !== action.refersTo) {
        const targets = this.targets(nextAction);
        next.target = targets.length ? targets[0].value : "";
      }
      if (nextAction.params.length || nextAction.paramsOfTarget) next.params = {};
      this.replaceEvent(index, next, true);
    });
    const targets = this.targets(action);
    const targetSelect = el(
      "select",
      { id: `${prefix}-target`, disabled },
      targets.map((target) => el("option", { value: target.value }, target.label)),
    );
    if (!targets.some((target) => target.value === event.target)) {
      targetSelect.append(el("option", { value: String(event.target ?? "") }, `${event.target ?? "(none)"} (missing)`));
    }
    targetSelect.value = String(event.target ?? "");
    targetSelect.addEventListener("change", () => {
      const current = this.events()[index];
      const redraw = Boolean(action && action.paramsOfTarget);
      this.replaceEvent(index, { ...current, target: targetSelect.value, ...(redraw ? { params: {} } : {}) }, redraw);
    });
    const card = el(
      "li",
      { class: "event-card", "aria-label": `Event ${index + 1}` },
      el(
        "div",
        { class: "event-head" },
        el("span", {}, `Event ${index + 1}`),
        el(
          "button",
          {
            type: "button",
            class: "danger",
            disabled,
            "aria-label": `Remove event ${index + 1}`,
            onclick: () => this.setEvents(this.events().filter((_, other) => other !== index), true),
          },
          "Remove",
        ),
      ),
      el(
        "div",
        { class: "event-grid" },
        el("div", { class: "field" }, el("label", { for: `${prefix}-at` }, "At", el("span", { class: "unit" }, "s")), atInput),
        el("div", { class: "field" }, el("label", { for: `${prefix}-action` }, "Action"), actionSelect),
      ),
      atError,
      el("div", { class: "field" }, el("label", { for: `${prefix}-target` }, action && action.refersTo === "edge" ? "Wire" : "Component"), targetSelect),
      action ? el("p", { class: "field-help" }, action.description) : null,
    );
    if (action) card.append(...this.eventParams(event, index, action, prefix));
    return card;
  }

  eventParams(event, index, action, prefix) {
    const params = event.params && typeof event.params === "object" ? event.params : {};
    const commit = (name) => (change) => {
      const current = this.events()[index];
      this.replaceEvent(index, { ...current, params: applyCommit(current.params || {}, name, change) }, false);
    };
    if (!action.paramsOfTarget) {
      return action.params.map((param) =>
        paramField({
          param: { ...param, hasDefault: false },
          value: params[param.name],
          isSet: Object.prototype.hasOwnProperty.call(params, param.name),
          idPrefix: `${prefix}-param`,
          disabled: this.readOnly,
          onCommit: commit(param.name),
        }),
      );
    }
    // `set`: any settable parameter of the target's kind; pick which ones to change.
    const kind = this.schema.kindsByName[this.canvas.kindOf(event.target)];
    if (!kind) return [el("p", { class: "field-help" }, "Pick a component to choose which parameters change.")];
    const settable = kind.params.filter((param) => param.settable);
    const chosen = settable.filter((param) => Object.prototype.hasOwnProperty.call(params, param.name));
    const fields = chosen.map((param) => {
      const field = paramField({
        param,
        value: params[param.name],
        isSet: true,
        idPrefix: `${prefix}-param`,
        disabled: this.readOnly,
        onCommit: commit(param.name),
      });
      field.append(
        el(
          "button",
          {
            type: "button",
            disabled: this.readOnly,
            "aria-label": `Stop changing ${param.name} in event ${index + 1}`,
            onclick: () => {
              const current = this.events()[index];
              const next = { ...(current.params || {}) };
              delete next[param.name];
              this.replaceEvent(index, { ...current, params: next }, true);
            },
          },
          "Remove",
        ),
      );
      return field;
    });
    const remaining = settable.filter((param) => !chosen.includes(param));
    const picker = el(
      "select",
      { id: `${prefix}-add-param`, disabled: this.readOnly || !remaining.length },
      el("option", { value: "" }, "Choose a parameter…"),
      remaining.map((param) => el("option", { value: param.name }, humanize(param.name))),
    );
    picker.addEventListener("change", () => {
      const param = settable.find((candidate) => candidate.name === picker.value);
      if (!param) return;
      const current = this.events()[index];
      const value = param.default ?? (param.choices ? param.choices[0] : param.minimum ?? 1);
      this.replaceEvent(index, { ...current, params: { ...(current.params || {}), [param.name]: value } }, true);
    });
    return [
      ...fields,
      el("div", { class: "field" }, el("label", { for: `${prefix}-add-param` }, "Change a parameter"), picker),
    ];
  }
}

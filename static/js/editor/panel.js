// The side panel's Properties tab: the inspector for what is selected (label and parameters of a
// node, parameters of a wire, each field generated from the schema), and the keyboard path:
// add a component from a list, connect the selected component to another from a list, delete,
// and a list of every component to select one without the mouse.
//
// Edits go through Canvas.setData, one undoable step each. The panel re-renders when the
// selection or the selected cell's data changes, except for the change it has just made itself,
// so that typing and tabbing through the form is never interrupted.

import { isReplication } from "./diagram.js";
import { applyCommit, paramField } from "./form.js";
import { iconElement, kindColor } from "./icons.js";
import { el, toast } from "./ui.js";

export class Panel {
  constructor({ canvas, schema, readOnly, onInvalidChange }) {
    this.canvas = canvas;
    this.schema = schema;
    this.readOnly = readOnly;
    this.onInvalidChange = onInvalidChange || (() => {});
    this.invalid = new Set(); // field ids whose typed value was refused
    this.expected = null; // the data the panel just wrote, to skip re-rendering for it
    this.shownCellId = null;
    this.inspector = document.getElementById("inspector");
    this.nodeList = document.getElementById("node-list");
    this.addKind = document.getElementById("add-kind");
    this.connectTarget = document.getElementById("connect-target");
    this.connectButton = document.getElementById("btn-connect");
    this.deleteButton = document.getElementById("btn-delete");
    this.problemNodes = new Set();
    this.addKind.replaceChildren(
      ...schema.kinds.map((kind) => el("option", { value: kind.name }, `${kind.title}`)),
    );
    document.getElementById("btn-add").addEventListener("click", () => {
      const id = canvas.addNode(this.addKind.value);
      toast(`Added ${id}. It is selected: connect it or edit its parameters below.`);
    });
    this.connectButton.addEventListener("click", () => this.connectSelected());
    this.deleteButton.addEventListener("click", () => {
      const count = canvas.deleteSelected();
      if (count) toast(`Deleted ${count} item${count === 1 ? "" : "s"}.`);
    });
  }

  connectSelected() {
    const [node] = this.canvas.selected();
    if (!node || !node.isNode() || !this.connectTarget.value) return;
    const target = this.connectTarget.value;
    const problem = this.canvas.connect(node.id, target);
    if (problem) toast(`Cannot connect: ${problem}.`, "error");
    else toast(`Connected ${node.id} to ${target}.`);
  }

  /** After any change: lists, and the inspector unless the change was the panel's own. */
  refresh() {
    this.renderLists();
    const selected = this.canvas.selected();
    const cell = selected.length === 1 ? selected[0] : null;
    if (cell && cell.id === this.shownCellId && this.expected !== null && JSON.stringify(cell.getData()) === this.expected) {
      this.updateHeader(cell);
      return;
    }
    this.renderInspector();
  }

  setProblemNodes(ids) {
    this.problemNodes = ids;
    this.renderLists();
  }

  renderLists() {
    const nodes = this.canvas.nodes();
    const selected = this.canvas.selected();
    const selectedIds = new Set(selected.map((cell) => cell.id));
    this.nodeList.replaceChildren(
      ...(nodes.length
        ? nodes.map((node) => {
            const kind = this.schema.kindsByName[node.kind];
            const name = node.label || node.id;
            const bad = this.problemNodes.has(node.id);
            return el(
              "li",
              {},
              el(
                "button",
                {
                  type: "button",
                  "aria-pressed": String(selectedIds.has(node.id)),
                  "aria-label": `Select ${name} (${kind ? kind.title : node.kind}, id ${node.id})${bad ? ", has problems" : ""}`,
                  onclick: () => this.canvas.select(node.id),
                  dataset: { node: node.id },
                },
                iconElement(node.kind, 16),
                el("span", {}, name),
                bad ? el("span", { class: "nl-bad", "aria-hidden": "true" }, "!") : null,
                el("span", { class: "nl-id" }, node.id),
              ),
            );
          })
        : [el("li", { class: "node-list-empty" }, "None yet.")]),
    );
    const single = selected.length === 1 && selected[0].isNode() ? selected[0] : null;
    const previous = this.connectTarget.value;
    this.connectTarget.replaceChildren(
      ...nodes
        .filter((node) => !single || node.id !== single.id)
        .map((node) => el("option", { value: node.id }, `${node.label || node.id} (${node.id})`)),
    );
    if ([...this.connectTarget.options].some((option) => option.value === previous)) this.connectTarget.value = previous;
    const canConnect = Boolean(single) && this.connectTarget.options.length > 0 && !this.readOnly;
    this.connectTarget.disabled = !canConnect;
    this.connectButton.disabled = !canConnect;
    this.deleteButton.disabled = !selected.length || this.readOnly;
  }

  updateHeader(cell) {
    const title = this.inspector.querySelector("[data-role=title]");
    if (title && cell.isNode()) {
      const data = cell.getData();
      title.textContent = data.label || cell.id;
    }
    for (const field of this.inspector.querySelectorAll(".field[data-param]")) {
      const params = cell.getData().params || {};
      field.dataset.set = String(Object.prototype.hasOwnProperty.call(params, field.dataset.param));
    }
  }

  renderInspector() {
    const focusedId = document.activeElement && this.inspector.contains(document.activeElement) ? document.activeElement.id : null;
    const selected = this.canvas.selected();
    this.expected = null;
    this.setInvalid(new Set());
    if (selected.length === 0) {
      this.shownCellId = null;
      this.inspector.replaceChildren(
        el(
          "p",
          { class: "inspector-empty" },
          this.readOnly
            ? "Select a component or a wire to see its parameters."
            : "Select a component or a wire to edit it. Press ? for keyboard shortcuts.",
        ),
      );
    } else if (selected.length > 1) {
      this.shownCellId = null;
      const nodes = selected.filter((cell) => cell.isNode()).length;
      this.inspector.replaceChildren(
        el("p", { class: "inspector-empty" }, `${nodes} components and ${selected.length - nodes} wires selected.`),
      );
    } else {
      const cell = selected[0];
      this.shownCellId = cell.id;
      this.inspector.replaceChildren(cell.isNode() ? this.nodeInspector(cell) : this.edgeInspector(cell));
    }
    if (focusedId) {
      const again = document.getElementById(focusedId);
      if (again) again.focus();
    }
  }

  setInvalid(invalid) {
    this.invalid = invalid;
    this.onInvalidChange(this.invalid.size > 0);
  }

  trackValidity(fieldId) {
    return (valid) => {
      const next = new Set(this.invalid);
      if (valid) next.delete(fieldId);
      else next.add(fieldId);
      this.setInvalid(next);
    };
  }

  write(cell, next) {
    this.expected = JSON.stringify(next);
    this.canvas.setData(cell.id, next);
  }

  nodeInspector(node) {
    const data = node.getData();
    const kind = this.schema.kindsByName[data.kind];
    const disabled = this.readOnly;
    const header = el(
      "div",
      { class: "inspector-head" },
      el("span", { class: "kind-icon", style: `background:${kindColor(data.kind)}1a` }, iconElement(data.kind, 22)),
      el(
        "div",
        {},
        el("h2", { "data-role": "title" }, data.label || node.id),
        el("div", { class: "sub" }, `${kind ? kind.title : data.kind} · id ${node.id}`),
      ),
    );
    const fieldset = el("fieldset", { disabled, "aria-label": `Parameters of ${node.id}` });
    const labelInput = el("input", {
      id: "node-label",
      type: "text",
      maxlength: kind ? kind.labelMaxLength : 200,
      placeholder: node.id,
      autocomplete: "off",
    });
    labelInput.value = data.label === undefined || data.label === null ? "" : String(data.label);
    labelInput.addEventListener("change", () => {
      const current = node.getData();
      const text = labelInput.value;
      const next = { ...current, label: text === "" ? undefined : text };
      if (text === "" && current.label === undefined) return;
      this.write(node, next);
    });
    labelInput.addEventListener("keydown", (event) => {
      if (event.key === "Enter") labelInput.dispatchEvent(new Event("change"));
    });
    fieldset.append(
      el(
        "div",
        { class: "field" },
        el("label", { for: "node-label" }, "Label"),
        labelInput,
        el("p", { class: "field-help" }, "Name shown on the canvas; empty = the id."),
      ),
    );
    if (!kind) {
      fieldset.append(el("p", { class: "field-error" }, `Unknown kind "${data.kind}": its parameters are kept as they are.`));
      return el("div", { class: "inspector" }, header, fieldset);
    }
    const groups = new Map();
    for (const param of kind.params) {
      if (!groups.has(param.group)) groups.set(param.group, []);
      groups.get(param.group).push(param);
    }
    for (const [group, params] of groups) {
      const fields = params.map((param) => this.nodeField(node, param, disabled));
      if (!group) {
        fieldset.append(...fields);
      } else {
        const anySet = params.some((param) => Object.prototype.hasOwnProperty.call(data.params, param.name));
        fieldset.append(el("details", { class: "group", open: anySet }, el("summary", {}, group.charAt(0).toUpperCase() + group.slice(1)), fields));
      }
    }
    return el("div", { class: "inspector" }, header, el("p", { class: "inspector-desc" }, kind.description), fieldset);
  }

  nodeField(node, param, disabled) {
    const params = node.getData().params || {};
    const fieldId = `node-param-${param.name}`;
    let refOptions = null;
    if (param.refersTo === "node") {
      refOptions = this.canvas
        .nodes()
        .filter((other) => other.id !== node.id && other.kind === node.getData().kind)
        .map((other) => ({ value: other.id, label: `${other.label || other.id} (${other.id})` }));
    }
    return paramField({
      param,
      value: params[param.name],
      isSet: Object.prototype.hasOwnProperty.call(params, param.name),
      idPrefix: "node-param",
      disabled,
      refOptions,
      context: param.type === "array" ? () => this.listContext(node) : undefined,
      onValidity: this.trackValidity(fieldId),
      onCommit: (commit) => {
        const current = node.getData();
        this.write(node, { ...current, params: applyCommit(current.params || {}, param.name, commit), hasParams: true });
      },
    });
  }

  /**
   * What a list editor (profile-editor.js) scales its ready shapes to: the node's steady rate
   * (its `rate_rps`, set or default) and the scenario's duration.
   */
  listContext(node) {
    const data = node.getData();
    const kind = this.schema.kindsByName[data.kind];
    const rateParam = kind && kind.params.find((candidate) => candidate.name === "rate_rps");
    const rate = (data.params || {}).rate_rps ?? (rateParam ? rateParam.default : undefined);
    const durationField = this.schema.scenarioFields.find((field) => field.name === "duration_s");
    const scenario = window.archplay && window.archplay.app && window.archplay.app.meta ? window.archplay.app.meta.scenario : null;
    const duration = (scenario && scenario.duration_s) ?? (durationField ? durationField.default : undefined);
    return { rate, duration, limits: this.schema.limits };
  }

  edgeInspector(edge) {
    const data = edge.getData() || { params: {} };
    const params = data.params || {};
    const source = edge.getSourceCellId();
    const target = edge.getTargetCellId();
    const between = isReplication(this.canvas.traitsOfNode(source), this.canvas.traitsOfNode(target));
    const header = el(
      "div",
      { class: "inspector-head" },
      el(
        "div",
        {},
        el("h2", {}, `${source} → ${target}`),
        el("div", { class: "sub" }, `${between ? "Replication wire" : "Wire"} · id ${this.canvas.edgeDocId(edge)}`),
      ),
    );
    const fieldset = el("fieldset", { disabled: this.readOnly, "aria-label": `Parameters of the wire ${source} to ${target}` });
    for (const param of this.schema.edgeParams) {
      const replicationOnly = param.name === "replication" || param.name === "lag_ms";
      const isSet = Object.prototype.hasOwnProperty.call(params, param.name);
      // Replication settings mean something only between two databases; elsewhere they are
      // hidden unless the document set them (so they can be seen and removed).
      if (replicationOnly && !between && !isSet) continue;
      fieldset.append(
        paramField({
          param,
          value: params[param.name],
          isSet,
          idPrefix: "edge-param",
          disabled: this.readOnly,
          onValidity: this.trackValidity(`edge-param-${param.name}`),
          onCommit: (commit) => {
            const current = edge.getData();
            this.write(edge, { ...current, params: applyCommit(current.params || {}, param.name, commit) });
          },
        }),
      );
    }
    const description = between
      ? "Between two databases a wire replicates from primary to replica: sync or async with a lag."
      : "The source sends requests to the target over this wire.";
    return el("div", { class: "inspector" }, header, el("p", { class: "inspector-desc" }, description), fieldset);
  }
}

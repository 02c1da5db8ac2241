// One form field per parameter, generated from the schema's description of it (schema.js): a
// select for choices, a text input for numbers and text, with the unit, the default as the
// placeholder, the range and the help text. An empty input means "not set: the default applies",
// which keeps the document exactly as sparse as its author wrote it. A value that fails the
// schema's checks is shown inline and is not applied (so it is never saved silently).

import { isProfileParam, profileField } from "./profile-editor.js";
import { checkValue, describeRange, humanize, parseInput, valueToText } from "./schema.js";
import { el } from "./ui.js";

const DEFAULT_OPTION = "__default__";

export function defaultText(param) {
  if (!param.hasDefault) return "";
  if (param.default === null) return param.auto ? `auto: ${param.auto}` : "none";
  return valueToText(param.default);
}

function helpText(param) {
  const parts = [param.help];
  const range = describeRange(param);
  if (range && !param.choices) parts.push(`Range: ${range}.`);
  return parts.filter(Boolean).join(" ");
}

/**
 * A field for `param`. value/isSet: the current value and whether the document sets it.
 * refOptions: [{value, label}] for parameters that name another node (standby_for).
 * onCommit({value} | {unset: true}); onValidity(valid) after each check.
 * context: what a list-valued parameter's own editor needs (profile-editor.js).
 */
export function paramField({ param, value, isSet, idPrefix, disabled, refOptions, onCommit, onValidity, context }) {
  if (isProfileParam(param)) return profileField({ param, value, isSet, idPrefix, disabled, onCommit, onValidity, context });
  if (refOptions && Array.isArray(value)) return listField({ param, value, idPrefix });
  const id = `${idPrefix}-${param.name}`;
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const error = el("p", { class: "field-error", id: errorId, role: "alert" });
  const title = humanize(param.name, param.unit);
  const showUnit = param.unit && param.unit !== param.name;
  const label = el("label", { for: id }, title, showUnit ? el("span", { class: "unit" }, param.unit) : null);
  const help = el("p", { class: "field-help", id: helpId }, helpText(param));
  const field = el("div", { class: "field", dataset: { param: param.name, set: String(Boolean(isSet)) } });
  const fallback = defaultText(param);
  let control;

  const report = (message) => {
    error.textContent = message ? `${title} ${message}.` : "";
    control.setAttribute("aria-invalid", message ? "true" : "false");
    if (onValidity) onValidity(!message);
  };

  if (param.choices || refOptions) {
    const choices = refOptions || param.choices.map((choice) => ({ value: choice, label: String(choice) }));
    control = el(
      "select",
      { id, name: param.name, "aria-describedby": `${errorId} ${helpId}`, disabled },
      el("option", { value: DEFAULT_OPTION }, fallback ? `Default (${fallback})` : "Not set"),
      choices.map((choice) => el("option", { value: JSON.stringify(choice.value) }, choice.label)),
      param.nullable && param.default !== null ? el("option", { value: "null" }, "none") : null,
    );
    const current = isSet ? JSON.stringify(value) : DEFAULT_OPTION;
    control.value = [...control.options].some((option) => option.value === current) ? current : DEFAULT_OPTION;
    if (isSet && control.value !== current) {
      // A value outside the choices (a node id that no longer exists): keep it visible and say so.
      control.append(el("option", { value: current }, `${valueToText(value)} (not valid)`));
      control.value = current;
    }
    control.addEventListener("change", () => {
      if (control.value === DEFAULT_OPTION) {
        report("");
        onCommit({ unset: true });
        return;
      }
      const chosen = JSON.parse(control.value);
      const problem = refOptions ? "" : checkValue(param, chosen);
      report(problem);
      if (!problem) onCommit({ value: chosen });
    });
  } else {
    control = el("input", {
      id,
      name: param.name,
      type: "text",
      inputmode: param.type === "number" || param.type === "integer" ? "decimal" : null,
      autocomplete: "off",
      spellcheck: "false",
      placeholder: fallback ? `${fallback} (default)` : "",
      "aria-describedby": `${errorId} ${helpId}`,
      disabled,
    });
    control.value = isSet ? valueToText(value) : "";
    control.addEventListener("input", () => {
      const parsed = parseInput(param, control.value);
      report(parsed.error || "");
    });
    control.addEventListener("change", () => {
      const parsed = parseInput(param, control.value);
      report(parsed.error || "");
      if (parsed.error) return;
      onCommit(parsed.unset ? { unset: true } : { value: parsed.value });
    });
    control.addEventListener("keydown", (event) => {
      if (event.key === "Enter") control.dispatchEvent(new Event("change"));
    });
  }
  field.append(label, control, error, help);
  if (isSet) {
    const problem = checkValue(param, value);
    if (problem) report(problem);
  }
  return field;
}

/**
 * A list of node ids (an N+1 standby's `standby_for`), shown read-only: the form edits one id; a
 * list is written in the document (export, edit the JSON, import).
 */
function listField({ param, value, idPrefix }) {
  const id = `${idPrefix}-${param.name}`;
  const title = humanize(param.name, param.unit);
  const text = value.map((item) => valueToText(item)).join(", ");
  const control = el("input", { id, name: param.name, type: "text", readonly: true, "aria-describedby": `${id}-help` });
  control.value = text;
  return el(
    "div",
    { class: "field field-list", dataset: { param: param.name, set: "true" } },
    el("label", { for: id }, title, el("span", { class: "unit" }, `list of ${value.length}`)),
    control,
    el("p", { class: "field-help", id: `${id}-help` }, `A list (one standby for several nodes) is shown here, not edited: change it in the exported JSON. ${param.help}`),
  );
}

/** Applies a commit to a params object, returning a new object. */
export function applyCommit(params, name, commit) {
  const next = { ...params };
  if (commit.unset) delete next[name];
  else next[name] = commit.value;
  return next;
}

// The editor knows no component kind and no parameter by name: it reads them from the JSON Schema
// that `python -m simulation schema` prints (served at /api/schema). This module turns that schema
// into small descriptions the palette, the forms and the scenario panel render, and checks a value
// against a parameter's type, range and choices for instant feedback while typing. The server's
// validation stays the authority; this only saves a round trip for the obvious mistakes.

/** One parameter as the forms need it. */
function describeParam(name, property) {
  const types = Array.isArray(property.type) ? property.type : [property.type];
  const nullable = types.includes("null") || (property.enum || []).includes(null);
  const baseType = types.find((t) => t && t !== "null") || (property.enum ? typeof property.enum[0] : "string");
  return {
    name,
    type: baseType, // "number", "integer", "string", "boolean"
    nullable,
    // A boolean is a choice of two (a select, like the other choices: "Default (false)", true, false).
    choices: property.enum ? property.enum.filter((v) => v !== null) : baseType === "boolean" ? [true, false] : null,
    default: property.default,
    hasDefault: Object.prototype.hasOwnProperty.call(property, "default"),
    minimum: property.minimum,
    maximum: property.maximum,
    exclusiveMinimum: property.exclusiveMinimum,
    exclusiveMaximum: property.exclusiveMaximum,
    unit: property["x-unit"] || "",
    help: property.description || "",
    group: property["x-group"] || "",
    auto: property["x-auto"] || "",
    refersTo: property["x-refers-to"] || "",
    settable: property["x-settable"] !== false,
  };
}

function describeParams(objectSchema) {
  const properties = (objectSchema && objectSchema.properties) || {};
  return Object.entries(properties).map(([name, property]) => describeParam(name, property));
}

/**
 * What generic code may ask of a kind instead of testing its name (the schema's `x-traits`):
 * source (a traffic source: nothing sends to it, it calls exactly one target), forwards (passes
 * requests on, needs a target), queues (workers and a waiting line), replicates (a wire between two
 * such nodes is a replication wire), holds_data. Missing traits are false.
 */
export const TRAITS = ["source", "forwards", "queues", "replicates", "holds_data"];
const NO_TRAITS = Object.freeze(Object.fromEntries(TRAITS.map((trait) => [trait, false])));

function readTraits(declared) {
  return Object.freeze(Object.fromEntries(TRAITS.map((trait) => [trait, Boolean(declared && declared[trait])])));
}

/** The traits of the kind named `kind` in `kindsByName` (an unknown kind has none). */
export function traitsOf(kindsByName, kind) {
  const described = kindsByName && kindsByName[kind];
  return described ? described.traits : NO_TRAITS;
}

function refName(ref) {
  return ref.split("/").pop();
}

/**
 * Reads the schema once into {kinds, kindsByName, edgeParams, scenarioFields, actions, limits}.
 * Kinds keep the schema's order (the node `oneOf`), which is the palette's order.
 */
export function readSchema(schema) {
  const defs = schema.$defs || {};
  const nodeRefs = (((schema.properties || {}).nodes || {}).items || {}).oneOf || [];
  const kinds = nodeRefs.map(({ $ref }) => {
    const def = defs[refName($ref)];
    return {
      name: def.properties.kind.const,
      title: def.title || def.properties.kind.const,
      description: def.description || "",
      params: describeParams(def.properties.params),
      labelMaxLength: (def.properties.label || {}).maxLength || 200,
      traits: readTraits(def["x-traits"]),
    };
  });
  const kindsByName = Object.fromEntries(kinds.map((kind) => [kind.name, kind]));
  const edgeDef = defs.edge || { properties: {} };
  const scenarioDef = defs.scenario || { properties: {} };
  const eventRefs = (((scenarioDef.properties || {}).events || {}).items || {}).oneOf || [];
  const actions = eventRefs.map(({ $ref }) => {
    const def = defs[refName($ref)];
    const params = def.properties.params || {};
    return {
      name: def.properties.action.const,
      title: def.title || def.properties.action.const,
      description: def.description || "",
      refersTo: def.properties.target["x-refers-to"] || "node",
      atHelp: (def.properties.at_s || {}).description || "",
      // `set` takes any settable parameter of the target's kind; the others list theirs.
      paramsOfTarget: params["x-params-of"] === "target",
      params: describeParams(params),
      requiredParams: params.required || [],
    };
  });
  return {
    kinds,
    kindsByName,
    edgeParams: describeParams(edgeDef.properties.params),
    scenarioFields: describeParams(scenarioDef).filter((field) => field.name !== "events"),
    actions,
    actionsByName: Object.fromEntries(actions.map((action) => [action.name, action])),
    limits: schema["x-limits"] || {},
    nameMaxLength: ((schema.properties || {}).name || {}).maxLength || 200,
    idMaxLength: (defs.id || {}).maxLength || 100,
  };
}

function formatNumber(value) {
  return Number.isInteger(value) ? String(value) : String(+value.toPrecision(12));
}

/** The text a value shows in an input ("" for null/unset). */
export function valueToText(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return formatNumber(value);
  return String(value);
}

/** A short description of a parameter's range, for help texts: "0 to 1", "> 0, at most 3600000". */
export function describeRange(param) {
  const parts = [];
  if (param.exclusiveMinimum !== undefined) parts.push(`> ${formatNumber(param.exclusiveMinimum)}`);
  if (param.minimum !== undefined) parts.push(`≥ ${formatNumber(param.minimum)}`);
  if (param.exclusiveMaximum !== undefined) parts.push(`< ${formatNumber(param.exclusiveMaximum)}`);
  if (param.maximum !== undefined) parts.push(`≤ ${formatNumber(param.maximum)}`);
  return parts.join(", ");
}

/**
 * Parses what a person typed into a parameter's value.
 * Returns {value} or {error}; {unset: true} for an empty input (the default then applies).
 */
export function parseInput(param, text) {
  const trimmed = String(text).trim();
  if (trimmed === "") return { unset: true };
  if (param.type === "integer" || param.type === "number") {
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(trimmed)) {
      return { error: `must be a number (got "${trimmed}")` };
    }
    const value = Number(trimmed);
    if (!Number.isFinite(value)) return { error: "must be a finite number" };
    const problem = checkValue(param, value);
    return problem ? { error: problem } : { value };
  }
  if (param.type === "boolean") {
    if (trimmed !== "true" && trimmed !== "false") return { error: "must be true or false" };
    return { value: trimmed === "true" };
  }
  const problem = checkValue(param, trimmed);
  return problem ? { error: problem } : { value: trimmed };
}

/** The problem with `value` for `param` as a sentence fragment, or "" when it is fine. */
export function checkValue(param, value) {
  if (value === null) return param.nullable ? "" : "must not be empty";
  if (param.choices) {
    return param.choices.includes(value) ? "" : `must be one of ${param.choices.join(", ")}`;
  }
  if (param.type === "integer" || param.type === "number") {
    if (typeof value !== "number" || !Number.isFinite(value)) return "must be a number";
    if (param.type === "integer" && !Number.isInteger(value)) return "must be a whole number";
    if (param.minimum !== undefined && value < param.minimum) return `must be at least ${formatNumber(param.minimum)}`;
    if (param.exclusiveMinimum !== undefined && value <= param.exclusiveMinimum) {
      return `must be greater than ${formatNumber(param.exclusiveMinimum)}`;
    }
    if (param.maximum !== undefined && value > param.maximum) return `must be at most ${formatNumber(param.maximum)}`;
    if (param.exclusiveMaximum !== undefined && value >= param.exclusiveMaximum) {
      return `must be less than ${formatNumber(param.exclusiveMaximum)}`;
    }
    return "";
  }
  if (param.type === "string" && typeof value !== "string") return "must be text";
  if (param.type === "boolean" && typeof value !== "boolean") return "must be true or false";
  return "";
}

/** A parameter name as words, without the unit its name ends with: "rate_rps" -> "Rate". */
export function humanize(name, unit = "") {
  const bare = unit && name.endsWith(`_${unit}`) ? name.slice(0, -unit.length - 1) : name;
  const words = bare.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

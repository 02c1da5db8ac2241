// The document of spec/topology-format.md and the cells on the canvas, both ways.
//
// A node cell carries the document's node in its data: {kind, params, label, extra}. `extra`
// keeps every field the editor does not manage (and `x`/`y` as the document gave them), so that
// exporting an imported document gives back exactly that document: nothing the author wrote is
// dropped, and nothing the author did not write is added. Once a node is placed or moved on the
// canvas its position is written instead. An edge cell carries {id, params, extra}: `id` only when
// the document named it (otherwise it is "source->target"), `params` only as the author set them.
//
// The same connection rules guard dragging a wire and the keyboard's "Connect" button.

const NODE_FIELDS = new Set(["id", "kind", "label", "params"]);
const EDGE_FIELDS = new Set(["id", "source", "target", "params"]);

export const NODE_WIDTH = 168;
export const NODE_HEIGHT = 56;

function clone(value) {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

function pick(object, skip) {
  const rest = {};
  for (const [key, value] of Object.entries(object)) if (!skip.has(key)) rest[key] = clone(value);
  return rest;
}

function isPlainObject(value) {
  return Boolean(value) && typeof value === "object" && !Array.isArray(value);
}

/** Params the editor can edit, or (when the document's `params` is not an object) none. */
function readParams(item, extra) {
  if (!Object.prototype.hasOwnProperty.call(item, "params")) return { params: {}, hasParams: false };
  if (isPlainObject(item.params)) return { params: clone(item.params), hasParams: true };
  // Kept verbatim, so that export gives back what was imported; the problems list names it.
  extra.params = clone(item.params);
  return { params: {}, hasParams: false };
}

/** The data a node cell holds for a document node. */
export function nodeData(node) {
  const extra = pick(node, NODE_FIELDS);
  return { kind: node.kind, label: node.label, ...readParams(node, extra), extra };
}

/** The data an edge cell holds for a document edge. */
export function edgeData(edge) {
  const extra = pick(edge, EDGE_FIELDS);
  return { id: edge.id, ...readParams(edge, extra), extra };
}

export function edgeDocId(source, target, data) {
  return (data && data.id) || `${source}->${target}`;
}

/** The document node for a cell; `position` is written when the node was placed on the canvas. */
export function nodeToDocument(id, data, position) {
  const node = { id, kind: data.kind };
  if (data.label !== undefined) node.label = data.label;
  Object.assign(node, clone(data.extra));
  if (position) {
    node.x = position.x;
    node.y = position.y;
  }
  if (data.hasParams || Object.keys(data.params).length) node.params = clone(data.params);
  return node;
}

export function edgeToDocument(source, target, data) {
  const edge = {};
  if (data.id !== undefined) edge.id = data.id;
  edge.source = source;
  edge.target = target;
  Object.assign(edge, clone(data.extra));
  if (data.hasParams || Object.keys(data.params).length) edge.params = clone(data.params);
  return edge;
}

/**
 * Why `source` may not send to `target`, or "" when it may.
 * kinds: {id: kind}; edges: [{source, target}] already on the canvas (minus the one being drawn);
 * traits(kind): the kind's traits from the schema (schema.js, traitsOf).
 */
export function connectionProblem(sourceId, targetId, kinds, edges, traits) {
  if (!sourceId || !targetId) return "pick two components";
  if (sourceId === targetId) return "a component cannot connect to itself";
  const targetKind = kinds[targetId];
  if (traits(targetKind).source) {
    return `nothing sends requests to a ${spoken(targetKind)}: a ${spoken(targetKind)} is a traffic source`;
  }
  if (edges.some((edge) => edge.source === sourceId && edge.target === targetId)) {
    return `${sourceId} is already connected to ${targetId}`;
  }
  const sourceKind = kinds[sourceId];
  if (traits(sourceKind).source && edges.some((edge) => edge.source === sourceId)) {
    return `a ${spoken(sourceKind)} sends to exactly one target; delete its wire first`;
  }
  return "";
}

/** A kind's name as a message says it: "load_balancer" is "load balancer". */
function spoken(kind) {
  return String(kind).replace(/_/g, " ");
}

/** Whether a wire between nodes of these traits is a replication wire (both replicate). */
export function isReplication(sourceTraits, targetTraits) {
  return Boolean(sourceTraits.replicates && targetTraits.replicates);
}

/** Params a new wire starts with: a wire between two replicating nodes is a replication edge. */
export function newEdgeParams(sourceTraits, targetTraits) {
  return isReplication(sourceTraits, targetTraits) ? { replication: "async" } : {};
}

/** A fresh node id for `kind` that no node uses yet: "cache", then "cache-2", ... */
export function freshId(kind, usedIds) {
  const base = kind.replace(/_/g, "-");
  if (!usedIds.has(base)) return base;
  for (let n = 2; ; n += 1) if (!usedIds.has(`${base}-${n}`)) return `${base}-${n}`;
}

function isNumber(value) {
  return typeof value === "number" && Number.isFinite(value);
}

/**
 * Canvas positions for every node: the document's x/y where it has both, otherwise columns by
 * distance from the traffic sources (replication wires do not count as a step), rows in order.
 * traits(kind): the kind's traits from the schema.
 */
export function layout(nodes, edges, traits) {
  const ids = nodes.map((node) => node.id);
  const known = new Set(ids);
  const incoming = new Map(ids.map((id) => [id, 0]));
  const outgoing = new Map(ids.map((id) => [id, []]));
  const kinds = Object.fromEntries(nodes.map((node) => [node.id, node.kind]));
  for (const edge of edges) {
    if (!known.has(edge.source) || !known.has(edge.target)) continue;
    if (isReplication(traits(kinds[edge.source]), traits(kinds[edge.target]))) continue;
    outgoing.get(edge.source).push(edge.target);
    incoming.set(edge.target, incoming.get(edge.target) + 1);
  }
  const depth = new Map();
  const queue = ids.filter((id) => incoming.get(id) === 0);
  for (const id of queue) depth.set(id, 0);
  // Longest-path layering, bounded so that a cycle cannot loop for ever.
  for (let step = 0; step < queue.length && step < ids.length * ids.length + ids.length; step += 1) {
    const id = queue[step];
    for (const next of outgoing.get(id)) {
      if ((depth.get(next) ?? -1) < depth.get(id) + 1 && depth.get(id) + 1 < ids.length) {
        depth.set(next, depth.get(id) + 1);
        queue.push(next);
      }
    }
  }
  // Replicas sit in the column after their primary.
  for (const edge of edges) {
    if (isReplication(traits(kinds[edge.source]), traits(kinds[edge.target])) && depth.has(edge.source)) {
      if (!depth.has(edge.target) || incoming.get(edge.target) === 0) depth.set(edge.target, depth.get(edge.source) + 1);
    }
  }
  const rows = new Map();
  const positions = {};
  for (const node of nodes) {
    if (isNumber(node.x) && isNumber(node.y)) {
      positions[node.id] = { x: node.x, y: node.y };
      continue;
    }
    const column = depth.get(node.id) ?? 0;
    const row = rows.get(column) || 0;
    rows.set(column, row + 1);
    positions[node.id] = { x: 40 + column * (NODE_WIDTH + 56), y: 40 + row * (NODE_HEIGHT + 40) };
  }
  return positions;
}

/** The document's name, or a sensible file name from it. */
export function fileName(name) {
  const base = String(name || "topology")
    .trim()
    .replace(/[^\w\- ]+/g, "")
    .replace(/\s+/g, "-")
    .toLowerCase();
  return base || "topology";
}

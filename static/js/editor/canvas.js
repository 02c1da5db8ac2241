// The canvas: an AntV X6 graph (vendored UMD build, global `X6`) holding one node cell per
// component and one edge cell per wire, with X6's own plugins for selection, snaplines,
// undo/redo history, drag-and-drop from the palette and PNG/SVG export.
//
// The cells' data is the document (see diagram.js); everything drawn (label text, icon, outline,
// problem badge, replication style) is derived from that data, the selection and the current
// problems by `decorate*`. Derived drawing is applied with {ignoreHistory: true}, so undo and redo
// see only real edits: adding, moving, deleting, connecting, and data changes (params, labels).
// Text from the document only ever reaches the page as SVG text content, never as markup.

import {
  NODE_HEIGHT,
  NODE_WIDTH,
  connectionProblem,
  edgeData,
  edgeDocId,
  edgeToDocument,
  freshId,
  layout,
  newEdgeParams,
  nodeData,
  nodeToDocument,
} from "./diagram.js";
import { iconDataUri, kindColor } from "./icons.js";
import { Minimap } from "./minimap.js";
import { traitsOf } from "./schema.js";

const X6 = window.X6;
const QUIET = { ignoreHistory: true };
const ACCENT = "#2563eb";
const DANGER = "#dc2626";
const WARNING = "#d97706";
const REPLICATION = "#7c3aed";
const UI_FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif";
const PORT_HIT_RADIUS = 11;
// Wires always under components: a port stays pressable where a wire leaves it. X6 numbers a
// dropped node max+1, so wires sit at 0, below every node.
const EDGE_Z = 0;
// How far from a node's edge a dropped wire still lands on it (graph units). X6 measures from the
// edge of the box even for a point inside it, so the radius must exceed half a node's height for a
// drop in the middle of a node to count.
const DROP_RADIUS = NODE_HEIGHT / 2 + 8;

let shapesRegistered = false;

function registerShapes() {
  if (shapesRegistered) return;
  shapesRegistered = true;
  // A port is a small visible dot over a larger transparent hit circle, the magnet: a press a
  // few pixels off the dot still starts a wire instead of moving the node.
  const port = {
    markup: [
      { tagName: "circle", selector: "hit" },
      { tagName: "circle", selector: "circle" },
    ],
    attrs: {
      hit: { r: PORT_HIT_RADIUS, magnet: true, fill: "transparent", stroke: "none", class: "ap-port-hit" },
      circle: { r: 5, stroke: ACCENT, strokeWidth: 1.5, fill: "#fff", class: "ap-port", pointerEvents: "none" },
    },
  };
  X6.Graph.registerNode("archplay-node", {
    width: NODE_WIDTH,
    height: NODE_HEIGHT,
    markup: [
      { tagName: "rect", selector: "body" },
      { tagName: "rect", selector: "stripe" },
      { tagName: "rect", selector: "iconBack" },
      { tagName: "image", selector: "icon" },
      { tagName: "text", selector: "label" },
      { tagName: "text", selector: "caption" },
      {
        tagName: "g",
        selector: "badge",
        children: [
          { tagName: "circle", selector: "badgeDot" },
          { tagName: "text", selector: "badgeText" },
        ],
      },
      // Drawn only while a run is shown (see live-canvas.js): utilisation meter, queue badge,
      // a line striking a down node, and small text under it (hit ratio, replica lag).
      { tagName: "rect", selector: "meterBack" },
      { tagName: "rect", selector: "meter" },
      { tagName: "line", selector: "strike" },
      {
        tagName: "g",
        selector: "queueBadge",
        children: [
          { tagName: "rect", selector: "queueBack" },
          { tagName: "text", selector: "queueText" },
        ],
      },
      { tagName: "text", selector: "liveText" },
    ],
    attrs: {
      body: { refWidth: "100%", refHeight: "100%", rx: 10, ry: 10, fill: "#ffffff", stroke: "#cfd6e3", strokeWidth: 1.5 },
      stripe: { x: 0, y: 8, width: 4, refHeight: -16, rx: 2, fill: "#64748b" },
      iconBack: { x: 12, y: 12, width: 32, height: 32, rx: 8, fill: "#f1f5f9" },
      icon: { x: 16, y: 16, width: 24, height: 24 },
      label: {
        x: 54, y: 21, fontSize: 13, fontWeight: 600, fill: "#0f172a", textAnchor: "start",
        textVerticalAnchor: "middle", fontFamily: UI_FONT,
      },
      caption: {
        x: 54, y: 39, fontSize: 11, fill: "#64748b", textAnchor: "start", textVerticalAnchor: "middle",
        fontFamily: UI_FONT,
      },
      badge: { display: "none", transform: `translate(${NODE_WIDTH - 2}, 2)`, cursor: "help" },
      badgeDot: { r: 9, fill: DANGER, stroke: "#fff", strokeWidth: 2 },
      badgeText: {
        text: "!", fill: "#fff", fontSize: 12, fontWeight: 700, textAnchor: "middle", textVerticalAnchor: "middle",
        fontFamily: "system-ui, sans-serif",
      },
      meterBack: { display: "none", x: 12, y: NODE_HEIGHT - 8, width: NODE_WIDTH - 24, height: 4, rx: 2, fill: "#e2e8f0" },
      meter: { display: "none", x: 12, y: NODE_HEIGHT - 8, width: 0, height: 4, rx: 2, fill: "#16a34a" },
      strike: {
        display: "none", x1: 6, y1: NODE_HEIGHT - 6, x2: NODE_WIDTH - 6, y2: 6, stroke: "#475569", strokeWidth: 2.5,
        strokeLinecap: "round", pointerEvents: "none",
      },
      queueBadge: { display: "none", transform: "translate(-6, -10)" },
      queueBack: { x: 0, y: 0, width: 44, height: 18, rx: 9, fill: "#0f172a", stroke: "#fff", strokeWidth: 1.5 },
      queueText: {
        x: 22, y: 9.5, text: "", fill: "#fff", fontSize: 11, fontWeight: 700, textAnchor: "middle",
        textVerticalAnchor: "middle", fontFamily: "system-ui, sans-serif",
      },
      liveText: {
        display: "none", x: 4, y: NODE_HEIGHT + 12, text: "", fill: "#334155", fontSize: 11, textAnchor: "start",
        textVerticalAnchor: "middle", fontFamily: "system-ui, sans-serif", pointerEvents: "none",
      },
    },
    ports: {
      groups: { top: { position: "top", ...port }, right: { position: "right", ...port },
                bottom: { position: "bottom", ...port }, left: { position: "left", ...port } },
      items: [{ group: "top" }, { group: "right" }, { group: "bottom" }, { group: "left" }],
    },
  });
  X6.Graph.registerEdge("archplay-edge", {
    inherit: "edge",
    attrs: {
      line: { stroke: "#94a3b8", strokeWidth: 1.6, targetMarker: { name: "block", width: 10, height: 7 } },
    },
    connector: { name: "smooth" },
  });
}

/** `base` with each selector's attributes from `extra` laid over it. */
function overlay(base, extra) {
  if (!extra) return base;
  const merged = { ...base };
  for (const [selector, values] of Object.entries(extra)) merged[selector] = { ...base[selector], ...values };
  return merged;
}

/**
 * A picture of the diagram is drawn without the page's stylesheet (copyStyles: false keeps the
 * file small and self-contained), so what the stylesheet did must be done here: ports, hidden on
 * the page until hovered, are left out, and text without a font of its own (edge labels) gets the
 * UI font rather than the viewer's default serif.
 */
function preparePicture(svg) {
  for (const port of svg.querySelectorAll(".x6-port")) port.remove();
  svg.setAttribute("font-family", UI_FONT);
  return svg;
}

function truncate(text, max) {
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}

export class Canvas {
  /**
   * container: the element the graph fills; minimapContainer: where the minimap goes;
   * kinds: schema kinds by name (for captions); readOnly: pan, zoom and select only;
   * on: {change(), selection(cells), refused(message)} callbacks.
   */
  constructor({ container, minimapContainer, kinds, readOnly, on }) {
    registerShapes();
    this.kinds = kinds;
    this.traits = (kind) => traitsOf(kinds, kind);
    this.readOnly = readOnly;
    this.on = on;
    this.problems = { nodes: new Map(), edges: new Map() };
    this.warnings = new Map(); // node id -> design notes from the graph analysis (not errors)
    this.placed = new Set(); // node ids whose canvas position goes into the document
    this.clipboard = null;
    this.loading = false;
    this.replaced = null; // the last import, for undo and redo (see replace)
    this.drawnFrom = null; // the wire last added and the node it left from (see listen)
    this.live = null; // while a run is shown: {nodeAttrs(node), edgeAttrs(edge, docId)} (live-canvas.js)
    const graph = new X6.Graph({
      container,
      autoResize: true,
      background: { color: "#f8fafc" },
      grid: { visible: true, size: 10, type: "dot", args: { color: "#c3cbd8", thickness: 1.2 } },
      panning: { enabled: true, eventTypes: ["leftMouseDown", "mouseWheel"] },
      mousewheel: { enabled: true, modifiers: ["ctrl", "meta"], factor: 1.1, minScale: 0.2, maxScale: 3 },
      scaling: { min: 0.2, max: 3 },
      interacting: readOnly
        ? { nodeMovable: false, edgeMovable: false, magnetConnectable: false, arrowheadMovable: false,
            vertexMovable: false, vertexAddable: false, vertexDeletable: false, edgeLabelMovable: false }
        : { edgeLabelMovable: false, vertexAddable: false, edgeMovable: false },
      connecting: {
        router: "normal",
        connector: { name: "smooth" },
        anchor: "center",
        connectionPoint: "boundary",
        allowBlank: false,
        allowLoop: false,
        allowMulti: false,
        allowEdge: false,
        allowNode: true,
        allowPort: true,
        highlight: true,
        // A drop anywhere on a node's box (or just outside it) lands on that node: with X6's
        // default "center" anchor only drops near the centre or a port counted, and about a
        // third of quick drags ended elsewhere on the node's body and made nothing.
        snap: { radius: DROP_RADIUS, anchor: "bbox" },
        createEdge: () => graph.createEdge({ shape: "archplay-edge", zIndex: EDGE_Z, data: edgeData({}) }),
        validateConnection: ({ sourceCell, targetCell, edge }) => {
          if (!sourceCell || !targetCell || !targetCell.isNode()) return false;
          return !this.connectionProblem(sourceCell.id, targetCell.id, edge);
        },
        validateEdge: ({ edge }) => {
          const problem = this.connectionProblem(edge.getSourceCellId(), edge.getTargetCellId(), edge);
          if (problem) this.on.refused(problem);
          return !problem;
        },
      },
      highlighting: {
        magnetAvailable: { name: "className", args: { className: "ap-magnet-available" } },
        magnetAdsorbed: { name: "stroke", args: { padding: 4, attrs: { stroke: ACCENT, strokeWidth: 3 } } },
      },
    });
    this.graph = graph;
    // The UMD build does not add the plugins' shortcut methods to Graph (graph.undo() and the
    // like), so the plugins are called directly.
    this.selection = new X6.Selection({
        enabled: true,
        multiple: true,
        rubberband: true,
        modifiers: "shift",
        movable: !readOnly,
        showNodeSelectionBox: true,
        pointerEvents: "none",
    });
    graph.use(this.selection);
    this.history = null;
    if (!readOnly) {
      graph.use(new X6.Snapline({ enabled: true, sharp: true }));
      this.history = new X6.History({
        enabled: true,
        beforeAddCommand: (event, args) => !(args && args.options && args.options.ignoreHistory),
      });
      graph.use(this.history);
    }
    this.minimapContainer = minimapContainer;
    if (minimapContainer) this.minimap = new Minimap(minimapContainer, graph);
    this.exporter = new X6.Export();
    graph.use(this.exporter);
    this.dnd = readOnly
      ? null
      : new X6.Dnd({
          target: graph,
          scaled: false,
          getDropNode: (dragging) => this.createNode(dragging.getData().kind),
        });
    this.listen();
  }

  listen() {
    const graph = this.graph;
    const changed = (args) => {
      if (this.loading || (args && args.options && args.options.ignoreHistory)) return;
      // An edit after an undone import is a new branch: the import cannot be redone any more.
      if (this.replaced && this.replaced.undone) this.replaced = null;
      this.on.change();
    };
    graph.on("cell:added", changed);
    graph.on("cell:removed", changed);
    graph.on("cell:change:*", changed);
    graph.on("node:change:data", ({ node }) => this.decorateNode(node));
    graph.on("edge:change:data", ({ edge }) => this.decorateEdge(edge));
    graph.on("node:change:position", ({ node, options }) => {
      if (!this.loading && !(options && options.ignoreHistory)) this.placed.add(node.id);
    });
    graph.on("node:added", ({ node }) => {
      this.placed.add(node.id);
      this.decorateNode(node);
    });
    graph.on("edge:added", ({ edge }) => this.decorateEdge(edge));
    graph.on("edge:connected", ({ isNew, edge }) => {
      if (!isNew) return;
      // Wires join components, not ports: the document has no ports, and a reloaded diagram
      // draws every wire centre to centre, so a new one does the same. Inside X6's
      // "add-edge" batch, so one undo removes the whole wire.
      const source = edge.getSourceCellId();
      const target = edge.getTargetCellId();
      edge.setSource({ cell: source });
      edge.setTarget({ cell: target });
      const params = newEdgeParams(this.traitsOfNode(source), this.traitsOfNode(target));
      edge.setData({ ...edgeData({}), params }, { overwrite: true });
    });
    // A wire dropped without connecting (X6 removes it) says why when it was dropped on a node
    // that refused it; X6 itself refuses silently.
    // X6 clears a refused wire's terminals when it removes it, so its source is noted on the way in.
    graph.on("edge:added", ({ edge }) => {
      this.drawnFrom = { edge, sourceId: edge.getSourceCellId() };
    });
    graph.on("edge:mouseup", ({ edge, x, y }) => {
      if (this.readOnly || (graph.hasCell(edge) && edge.getTargetCellId())) return;
      const sourceId = this.drawnFrom && this.drawnFrom.edge === edge ? this.drawnFrom.sourceId : edge.getSourceCellId();
      const target = this.nodeNear(x, y);
      if (!sourceId || !target) return;
      const problem = this.connectionProblem(sourceId, target.id, edge);
      if (problem) this.on.refused(problem);
    });
    graph.on("selection:changed", () => {
      for (const cell of graph.getCells()) {
        if (cell.isNode()) this.decorateNode(cell);
        else this.decorateEdge(cell);
      }
      this.on.selection(this.selected());
    });
    graph.on("history:change", () => this.on.history && this.on.history());
    graph.on("cell:contextmenu", ({ e, cell }) => this.on.contextmenu && this.on.contextmenu(cell, e));
    // Right-click is for panning's sake (and live faults) only: no browser menu over the canvas.
    graph.container.addEventListener("contextmenu", (event) => event.preventDefault());
  }

  // ---- reading -------------------------------------------------------------------------------

  /** The schema's traits of the node's kind (schema.js): what the canvas asks instead of names. */
  traitsOfNode(nodeId) {
    return this.traits(this.kindOf(nodeId));
  }

  kindOf(nodeId) {
    const cell = this.graph.getCellById(nodeId);
    return cell && cell.isNode() ? cell.getData().kind : undefined;
  }

  nodes() {
    return this.graph.getNodes().map((node) => {
      const data = node.getData();
      return { id: node.id, kind: data.kind, label: data.label, data };
    });
  }

  /** The node under the graph point (x, y), or the nearest one within DROP_RADIUS of it. */
  nodeNear(x, y) {
    const point = new X6.Point(x, y);
    let best = null;
    let bestDistance = DROP_RADIUS;
    for (const node of this.graph.getNodes()) {
      const box = node.getBBox();
      const distance = box.containsPoint(point) ? 0 : box.getNearestPointToPoint(point).distance(point);
      if (distance <= bestDistance) {
        best = node;
        bestDistance = distance;
      }
    }
    return best;
  }

  wires(except) {
    return this.graph
      .getEdges()
      .filter((edge) => edge !== except)
      .map((edge) => ({ source: edge.getSourceCellId(), target: edge.getTargetCellId() }));
  }

  connectionProblem(sourceId, targetId, except) {
    const kinds = Object.fromEntries(this.graph.getNodes().map((node) => [node.id, node.getData().kind]));
    return connectionProblem(sourceId, targetId, kinds, this.wires(except), this.traits);
  }

  edgeDocId(edge) {
    return edgeDocId(edge.getSourceCellId(), edge.getTargetCellId(), edge.getData());
  }

  /** The nodes and edges of the document, in canvas order. */
  toDocument() {
    const nodes = this.graph.getNodes().map((node) => {
      const position = this.placed.has(node.id) ? node.getPosition() : null;
      return nodeToDocument(node.id, node.getData(), position);
    });
    const edges = this.graph
      .getEdges()
      .map((edge) => edgeToDocument(edge.getSourceCellId(), edge.getTargetCellId(), edge.getData()));
    return { nodes, edges };
  }

  // ---- loading -------------------------------------------------------------------------------

  /** Replaces the diagram with the document's nodes and edges; clears undo history. */
  load(document) {
    const cells = this.cellsFor(document);
    this.placed.clear();
    this.loading = true;
    try {
      this.graph.resetCells(cells);
      this.selection.clean();
      // Nodes from the document keep the document's own x/y (or none); see diagram.js.
      this.placed.clear();
      this.redecorate();
    } finally {
      this.loading = false;
    }
    if (this.history) this.history.clean();
    this.fit();
  }

  /**
   * Replaces the diagram with the document's nodes and edges as one step that undo takes back (an
   * import). X6's own history cannot hold it: the old and new diagrams often share ids ("cache"),
   * and X6 mixes up two cells of one id in one step. So the canvas loads the new diagram afresh and
   * keeps the old one beside X6's history: once that history has nothing left to undo, undo puts
   * the old diagram back (and redo the new one). `record` goes back to on.replaced(record, "undo" |
   * "redo"), so that main.js can put back what lives outside the canvas (name, scenario).
   */
  replace(document, record) {
    const before = { ...this.toDocument(), placed: new Set(this.placed) };
    this.load(document);
    this.replaced = { record, before, after: document, undone: false };
    if (this.on.history) this.on.history();
  }

  undoReplace() {
    const replaced = this.replaced;
    this.load(replaced.before);
    this.placed = new Set(replaced.before.placed);
    replaced.undone = true;
    this.on.replaced(replaced.record, "undo");
  }

  redoReplace() {
    const replaced = this.replaced;
    this.load(replaced.after);
    replaced.undone = false;
    this.on.replaced(replaced.record, "redo");
  }

  cellsFor(document) {
    const nodes = Array.isArray(document.nodes) ? document.nodes : [];
    const edges = Array.isArray(document.edges) ? document.edges : [];
    const positions = layout(nodes, edges, this.traits);
    const cells = [];
    const ids = new Set();
    for (const node of nodes) {
      ids.add(node.id);
      cells.push(this.graph.createNode({ ...this.nodeShape(node.id, nodeData(node)), ...positions[node.id] }));
    }
    for (const edge of edges) {
      if (!ids.has(edge.source) || !ids.has(edge.target)) continue; // the problems list names it
      cells.push(
        this.graph.createEdge({
          shape: "archplay-edge",
          zIndex: EDGE_Z,
          source: { cell: edge.source },
          target: { cell: edge.target },
          data: edgeData(edge),
        }),
      );
    }
    return cells;
  }

  nodeShape(id, data) {
    // Nodes above wires (EDGE_Z), so that a port stays reachable where a wire ends on it.
    return { shape: "archplay-node", id, data, zIndex: 2 };
  }

  // ---- editing -------------------------------------------------------------------------------

  usedIds() {
    return new Set(this.graph.getNodes().map((node) => node.id));
  }

  createNode(kind) {
    const id = freshId(kind, this.usedIds());
    return this.graph.createNode(this.nodeShape(id, { ...nodeData({ kind, params: {} }) }));
  }

  /** A preview node for dragging from the palette. */
  startDrag(kind, event) {
    if (!this.dnd) return;
    const title = this.kinds[kind] ? this.kinds[kind].title : kind;
    const preview = this.graph.createNode(this.nodeShape(undefined, nodeData({ kind, label: title, params: {} })));
    this.decorateNode(preview);
    this.dnd.start(preview, event);
  }

  /** Adds a component of `kind` in the visible area (or at `at`), selects it, returns its id. */
  addNode(kind, at) {
    const node = this.createNode(kind);
    const position = at || this.freeSpot();
    node.position(position.x, position.y);
    this.graph.addNode(node);
    this.select(node.id);
    return node.id;
  }

  freeSpot() {
    const area = this.graph.getGraphArea();
    const occupied = this.graph.getNodes().map((node) => node.getBBox());
    const startX = Math.round((area.x + 40) / 10) * 10;
    const startY = Math.round((area.y + 40) / 10) * 10;
    for (let row = 0; row < 40; row += 1) {
      for (let column = 0; column < 6; column += 1) {
        const x = startX + column * (NODE_WIDTH + 40);
        const y = startY + row * (NODE_HEIGHT + 30);
        const box = new X6.Rectangle(x - 10, y - 10, NODE_WIDTH + 20, NODE_HEIGHT + 20);
        if (!occupied.some((other) => box.isIntersectWithRect(other))) return { x, y };
      }
    }
    return { x: startX, y: startY };
  }

  /** Connects two nodes by id; returns "" or why it may not. */
  connect(sourceId, targetId) {
    const problem = this.connectionProblem(sourceId, targetId);
    if (problem) return problem;
    const params = newEdgeParams(this.traitsOfNode(sourceId), this.traitsOfNode(targetId));
    const edge = this.graph.addEdge({
      shape: "archplay-edge",
      zIndex: EDGE_Z,
      source: { cell: sourceId },
      target: { cell: targetId },
      data: { ...edgeData({}), params },
    });
    this.select(edge.id);
    return "";
  }

  /** Replaces a cell's data with `next` (one undoable step). */
  setData(cellId, next) {
    const cell = this.graph.getCellById(cellId);
    if (cell) cell.setData(next, { overwrite: true });
  }

  deleteSelected() {
    const cells = this.selection.getSelectedCells();
    if (!cells.length) return 0;
    this.selection.clean();
    this.graph.startBatch("delete");
    this.graph.removeCells(cells);
    this.graph.stopBatch("delete");
    return cells.length;
  }

  copy() {
    const selected = this.selection.getSelectedCells().filter((cell) => cell.isNode());
    if (!selected.length) return 0;
    const ids = new Set(selected.map((node) => node.id));
    this.clipboard = {
      nodes: selected.map((node) => ({ id: node.id, data: node.getData(), position: node.getPosition() })),
      edges: this.graph
        .getEdges()
        .filter((edge) => ids.has(edge.getSourceCellId()) && ids.has(edge.getTargetCellId()))
        .map((edge) => ({ source: edge.getSourceCellId(), target: edge.getTargetCellId(), data: edge.getData() })),
      pastes: 0,
    };
    return selected.length;
  }

  paste() {
    if (!this.clipboard) return 0;
    this.clipboard.pastes += 1;
    const offset = 30 * this.clipboard.pastes;
    const used = this.usedIds();
    const renamed = new Map();
    const cells = [];
    for (const { id, data, position } of this.clipboard.nodes) {
      const fresh = freshId(data.kind, used);
      used.add(fresh);
      renamed.set(id, fresh);
      const copy = JSON.parse(JSON.stringify(data));
      // A copy is a new component: its standby link and unknown fields stay with the original.
      copy.extra = {};
      copy.hasParams = true;
      cells.push(this.graph.createNode({ ...this.nodeShape(fresh, copy), x: position.x + offset, y: position.y + offset }));
    }
    for (const { source, target, data } of this.clipboard.edges) {
      const copy = { ...JSON.parse(JSON.stringify(data)), id: undefined, extra: {} };
      cells.push(
        this.graph.createEdge({
          shape: "archplay-edge",
          zIndex: EDGE_Z,
          source: { cell: renamed.get(source) },
          target: { cell: renamed.get(target) },
          data: copy,
        }),
      );
    }
    this.graph.startBatch("paste");
    this.graph.addCell(cells);
    this.graph.stopBatch("paste");
    this.selection.reset(cells);
    return this.clipboard.nodes.length;
  }

  // ---- selection -----------------------------------------------------------------------------

  selected() {
    return this.selection.getSelectedCells();
  }

  select(cellId) {
    const cell = this.graph.getCellById(cellId);
    if (!cell) return;
    this.selection.reset(cell);
    if (cell.isNode()) this.reveal(cell);
  }

  selectAll() {
    this.selection.reset(this.graph.getCells());
  }

  clearSelection() {
    this.selection.clean();
  }

  /** Scrolls a node into view if it is outside the visible area. */
  reveal(node) {
    const area = this.graph.getGraphArea();
    if (!area.containsRect(node.getBBox())) this.graph.centerCell(node);
  }

  // ---- view ----------------------------------------------------------------------------------

  zoom(step) {
    this.graph.zoom(step, { minScale: 0.2, maxScale: 3 });
  }

  fit() {
    if (!this.graph.getCellCount()) {
      this.graph.zoomTo(1);
      this.graph.translate(0, 0);
      return;
    }
    // The minimap sits over the canvas's bottom-right corner: leave room for it below the diagram
    // (with the run drawer open it is hidden, see editor.css).
    const minimap = this.minimapContainer;
    const below = minimap && minimap.offsetHeight ? minimap.offsetHeight + 20 : 0;
    this.graph.zoomToFit({ padding: { top: 32, right: 32, bottom: Math.max(32, below), left: 32 }, maxScale: 1.1 });
  }

  undo() {
    if (this.history && this.history.canUndo()) this.history.undo();
    else if (this.replaced && !this.replaced.undone) this.undoReplace();
    if (this.on.history) this.on.history();
  }

  redo() {
    if (this.history && this.history.canRedo()) this.history.redo();
    else if (this.replaced && this.replaced.undone) this.redoReplace();
    if (this.on.history) this.on.history();
  }

  canUndo() {
    return Boolean(this.history && (this.history.canUndo() || (this.replaced && !this.replaced.undone)));
  }

  canRedo() {
    return Boolean(this.history && (this.history.canRedo() || (this.replaced && this.replaced.undone)));
  }

  // ---- live run overlay ----------------------------------------------------------------------

  /** Draws a run's state over the diagram (`live`, see live-canvas.js), or the plain diagram (null). */
  setLive(live) {
    this.live = live;
    this.redecorate();
  }

  redecorate() {
    for (const cell of this.graph.getCells()) {
      if (cell.isNode()) this.decorateNode(cell);
      else this.decorateEdge(cell);
    }
  }

  // ---- problems and drawing ------------------------------------------------------------------

  /** Shows problems ({node, edge, text}) on their nodes and edges. */
  setProblems(problems) {
    const nodes = new Map();
    const edges = new Map();
    for (const problem of problems) {
      const text = problem.text || problem.message;
      if (problem.edge) edges.set(problem.edge, [...(edges.get(problem.edge) || []), text]);
      else if (problem.node) nodes.set(problem.node, [...(nodes.get(problem.node) || []), text]);
    }
    this.problems = { nodes, edges };
    for (const cell of this.graph.getCells()) {
      if (cell.isNode()) this.decorateNode(cell);
      else this.decorateEdge(cell);
    }
  }

  /** Design notes per node id (single points of failure, unreachable nodes): amber, dashed. */
  setWarnings(warnings) {
    this.warnings = warnings;
    for (const node of this.graph.getNodes()) this.decorateNode(node);
  }

  /** The canvas cell a problem belongs to, if it is drawn. */
  cellForProblem(problem) {
    if (problem.edge) {
      return this.graph.getEdges().find((edge) => this.edgeDocId(edge) === problem.edge) || null;
    }
    if (problem.node) {
      const cell = this.graph.getCellById(problem.node);
      return cell && cell.isNode() ? cell : null;
    }
    return null;
  }

  decorateNode(node) {
    const data = node.getData() || {};
    const kind = this.kinds[data.kind];
    const label = data.label === undefined || data.label === null || data.label === "" ? node.id || data.kind : data.label;
    const problems = (node.id && this.problems.nodes.get(node.id)) || [];
    const warnings = problems.length ? [] : (node.id && this.warnings.get(node.id)) || [];
    const selected = Boolean(node.id && this.graph.hasCell(node) && this.selection.isSelected(node));
    const color = kindColor(data.kind);
    const attrs = {
      body: {
        fill: "#ffffff",
        "data-live": null,
        "data-warning": warnings.length ? "true" : null,
        stroke: problems.length ? DANGER : selected ? ACCENT : warnings.length ? WARNING : "#cfd6e3",
        strokeWidth: problems.length || selected || warnings.length ? 2.2 : 1.5,
        strokeDasharray: warnings.length && !selected ? "6 3" : null,
        title: problems.length ? problems.join("\n") : warnings.join("\n"),
      },
      stripe: { fill: color },
      iconBack: { fill: color + "1a" },
      icon: { "xlink:href": iconDataUri(data.kind), opacity: 1 },
      label: { text: truncate(String(label), 16), title: String(label), fill: "#0f172a" },
      caption: { text: truncate(kind ? kind.title : `${data.kind} (unknown kind)`, 21) },
      badge: { display: problems.length ? "block" : "none", title: problems.join("\n") },
      meterBack: { display: "none" },
      meter: { display: "none" },
      strike: { display: "none" },
      queueBadge: { display: "none" },
      liveText: { display: "none" },
    };
    node.setAttrs(this.live && node.id ? overlay(attrs, this.live.nodeAttrs(node)) : attrs, QUIET);
  }

  decorateEdge(edge) {
    const data = edge.getData() || { params: {} };
    const params = data.params || {};
    const replication = params.replication === "sync" || params.replication === "async";
    const docId = this.edgeDocId(edge);
    const problems = this.problems.edges.get(docId) || [];
    const selected = this.graph.hasCell(edge) && this.selection.isSelected(edge);
    const stroke = problems.length ? DANGER : selected ? ACCENT : replication ? REPLICATION : "#94a3b8";
    const attrs = {
      line: {
        stroke,
        strokeWidth: selected || problems.length ? 2.4 : 1.6,
        strokeDasharray: replication ? "6 4" : null,
        title: problems.length ? problems.join("\n") : docId,
        style: { animation: "none" },
      },
    };
    edge.setAttrs(this.live ? overlay(attrs, this.live.edgeAttrs(edge, docId, { selected })) : attrs, QUIET);
    const parts = [];
    if (replication) {
      parts.push(params.replication === "sync" ? "sync" : `async${params.lag_ms !== undefined ? ` ${params.lag_ms} ms` : ""}`);
    }
    if (params.latency_ms !== undefined && params.latency_ms !== null) parts.push(`${params.latency_ms} ms`);
    if (params.weight !== undefined && params.weight !== null) parts.push(`×${params.weight}`);
    if (problems.length) parts.unshift("!");
    const text = parts.join(" · ");
    const labels = text
      ? [
          {
            attrs: {
              label: {
                text, fill: problems.length ? DANGER : replication ? REPLICATION : "#475569", fontSize: 11,
                fontFamily: UI_FONT,
              },
              body: { fill: "#fff", stroke: "#e2e8f0", rx: 4, ry: 4 },
            },
          },
        ]
      : [];
    const current = JSON.stringify(edge.getLabels());
    if (current !== JSON.stringify(labels)) edge.setLabels(labels, QUIET);
  }

  // ---- export --------------------------------------------------------------------------------

  toSVG() {
    return new Promise((resolve) => {
      this.exporter.toSVG((svg) => resolve(svg), {
        preserveDimensions: true,
        copyStyles: false,
        serializeImages: true,
        beforeSerialize: preparePicture,
      });
    });
  }

  toPNG() {
    return new Promise((resolve) => {
      this.exporter.toPNG((dataUri) => resolve(dataUri), {
        padding: 24,
        backgroundColor: "#ffffff",
        copyStyles: false,
        serializeImages: true,
        quality: 1,
        ratio: "2",
        beforeSerialize: preparePicture,
      });
    });
  }
}

// The editor page: reads the page's configuration (rendered by the server as JSON), loads the
// schema and the document the mode asks for, and wires the canvas to the panels, saving,
// autosave, sharing, import/export, presets and shortcuts. Each of those lives in its own module;
// this one holds the state they share (`app`) and the save flow.
//
// Modes: "new" (unsaved, `/`), "edit" (the owner, `/t/{id}`), and three read-only ones:
// "readonly" (someone else's `/t/{id}`), "view" (a share link `/v/{token}`) and "revision" (an old
// revision `/t/{id}/r/{n}`), where the canvas pans, zooms and selects but does not change.

import { api, errorText } from "./api.js";
import { Canvas } from "./canvas.js";
import { clearDraft, loadDraft, saveDraft } from "./drafts.js";
import { setupIO } from "./io.js";
import { renderPalette } from "./palette.js";
import { Panel } from "./panel.js";
import { fetchPresets, setupPresets } from "./presets.js";
import { LiveViewer } from "./live-viewer.js";
import { Problems } from "./problems.js";
import { renderRevisions } from "./revisions.js";
import { RunController } from "./run.js";
import { ScenarioPanel } from "./scenario.js";
import { readSchema } from "./schema.js";
import { setupShare } from "./share.js";
import { installShortcuts, renderShortcutList } from "./shortcuts.js";
import { formatTime, fullTextOnHover, hideBanner, setupTabs, showBanner, toast } from "./ui.js";

const EDITABLE = new Set(["new", "edit"]);
const DRAFT_DEBOUNCE_MS = 150;

const config = JSON.parse(document.getElementById("archplay-config").textContent);
const root = document.getElementById("editor");

const app = {
  config,
  mode: config.mode || "new",
  topologyId: config.topology_id || null,
  revision: config.revision ?? null,
  shareToken: config.share_token || null,
  viewUrl: null,
  meta: { format: 1, name: undefined, scenario: undefined, hasEdges: true, extra: {} },
  dirty: false,
  changes: 0, // counts edits, so a save knows whether more came in while it was on the wire
  invalidForm: false,
  saving: false,
  editable: () => EDITABLE.has(app.mode),
};

function setStatus(state, text) {
  const status = document.getElementById("save-status");
  status.dataset.state = state;
  status.textContent = text;
  status.title = text; // the status is shortened to fit the toolbar; the whole of it on hover
}

function plural(count, word) {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** The save status of a stored revision: a draft says it has problems. */
function savedStatus(body) {
  const problems = (body && body.problems) || [];
  if (body && body.draft) setStatus("draft", `Saved as a draft · revision ${app.revision} · ${plural(problems.length, "problem")}`);
  else setStatus("saved", `Saved · revision ${app.revision}`);
}

function clone(value) {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** The document as it stands: the canvas's nodes and edges inside the rest of the document. */
app.document = function currentDocument() {
  const { nodes, edges } = app.canvas.toDocument();
  const document_ = { format: app.meta.format };
  if (app.meta.name !== undefined) document_.name = app.meta.name;
  document_.nodes = nodes;
  if (app.meta.hasEdges || edges.length) document_.edges = edges;
  if (app.meta.scenario !== undefined) document_.scenario = clone(app.meta.scenario);
  Object.assign(document_, clone(app.meta.extra));
  return document_;
};

/**
 * Puts a document on the canvas. Returns notes about what could not be drawn as given (a wire
 * to a component that does not exist, a repeated id), which the caller shows. `undoable` (an
 * import): one step that undo takes back, name and scenario included, instead of a fresh start.
 */
app.loadDocument = function loadDocument(document_, { undoable = false } = {}) {
  const notes = [];
  const { format, name, nodes, edges, scenario, ...extra } = document_;
  const seen = new Set();
  const drawable = [];
  (Array.isArray(nodes) ? nodes : []).forEach((node, index) => {
    if (!node || typeof node !== "object" || typeof node.id !== "string" || !node.id) {
      notes.push(`nodes[${index}] has no id, so it is left out.`);
      return;
    }
    if (seen.has(node.id)) {
      let n = 2;
      while (seen.has(`${node.id}-${n}`)) n += 1;
      notes.push(`Two components use the id "${node.id}": the second one is now "${node.id}-${n}".`);
      node = { ...node, id: `${node.id}-${n}` };
    }
    seen.add(node.id);
    drawable.push(node);
  });
  const wires = [];
  (Array.isArray(edges) ? edges : []).forEach((edge, index) => {
    if (!edge || typeof edge !== "object" || !seen.has(edge.source) || !seen.has(edge.target)) {
      const label = edge && edge.source !== undefined ? `${edge.source}->${edge.target}` : `edges[${index}]`;
      notes.push(`The wire ${label} joins a component that does not exist, so it is left out.`);
      return;
    }
    wires.push(edge);
  });
  const metaBefore = app.meta;
  app.meta = {
    format: format === undefined ? 1 : format,
    name,
    scenario: clone(scenario),
    hasEdges: Object.prototype.hasOwnProperty.call(document_, "edges"),
    extra: clone(extra),
  };
  if (undoable) app.canvas.replace({ nodes: drawable, edges: wires }, { metaBefore, metaAfter: app.meta });
  else app.canvas.load({ nodes: drawable, edges: wires });
  refreshAfterLoad();
  app.run.watch.load(document_); // the preset's "What to watch" card (watch.js)
  return notes;
};

function refreshAfterLoad() {
  renderName();
  app.panel.refresh();
  app.panel.renderInspector();
  app.scenario.render();
  updateChrome();
  app.problems.schedule();
}

/** Undo and redo of an import put back the name and scenario that came with the canvas. */
function restoreAfterReplace(record, which) {
  app.meta = which === "undo" ? record.metaBefore : record.metaAfter;
  refreshAfterLoad();
  app.changed();
}

let draftTimer = null;
let refreshFrame = 0;

/** After every edit: mark unsaved, autosave the draft, re-check problems, refresh the panels. */
app.changed = function changed() {
  app.changes += 1;
  if (app.editable()) {
    app.dirty = true;
    setStatus("dirty", app.topologyId ? "Unsaved changes" : "Not saved yet");
    clearTimeout(draftTimer);
    draftTimer = setTimeout(writeDraft, DRAFT_DEBOUNCE_MS);
  }
  app.problems.schedule();
  // Dragging a node changes it on every mouse move: redraw the panels once per frame at most.
  if (!refreshFrame) {
    refreshFrame = requestAnimationFrame(() => {
      refreshFrame = 0;
      app.panel.refresh();
      app.scenario.refreshIfIdle();
      updateChrome();
      if (app.run) app.run.refreshBar();
    });
  }
};

function writeDraft() {
  clearTimeout(draftTimer);
  if (app.editable() && app.dirty) saveDraft(app.topologyId, app.document(), app.revision);
}

function renderName() {
  const input = document.getElementById("doc-name");
  input.value = app.meta.name ?? "";
  input.placeholder = "Untitled topology";
  input.disabled = !app.editable();
  input.title = app.meta.name || ""; // a long name is cut by the field's width
  document.title = `${app.meta.name || "Untitled topology"} · archplay`;
}

function updateChrome() {
  root.dataset.mode = app.mode;
  const editable = app.editable();
  document.getElementById("btn-undo").disabled = !editable || !app.canvas.canUndo();
  document.getElementById("btn-redo").disabled = !editable || !app.canvas.canRedo();
  document.getElementById("btn-fork").hidden = !["readonly", "view", "revision"].includes(app.mode);
  document.getElementById("canvas-empty").hidden = !editable || app.canvas.graph.getNodes().length > 0;
  document.getElementById("zoom-level").textContent = `${Math.round(app.canvas.graph.zoom() * 100)}%`;
}

/** A fork links back to its original (the server gives the link only to the fork's owner, and
 * for a fork made from a view link it is that view link, never the original's id). */
function showOrigin(url) {
  const link = document.getElementById("forked-from");
  link.hidden = !url;
  if (url) {
    link.href = url;
    link.title = `This topology is a fork: open the original (${url})`;
  }
}

function readOnlyStatus() {
  if (app.mode === "view") return "View link · read-only";
  if (app.mode === "revision") return `Revision ${app.revision} · read-only`;
  return "Read-only: someone else's topology";
}

// ---- saving ----------------------------------------------------------------------------------

function adopt(body) {
  if (body.id) app.topologyId = body.id;
  if (body.revision !== undefined) app.revision = body.revision;
  if (body.view_url) app.viewUrl = body.view_url;
}

function refusedSave(answer) {
  const details = (answer.body && answer.body.details) || [];
  if (answer.status === 400 && details.length && typeof details[0] === "object") {
    app.problems.show(details);
    app.showTab("tab-problems");
    setStatus("error", "Not saved");
    toast(`Not saved: ${details.length} problem${details.length === 1 ? "" : "s"} to fix first (see Problems).`, "error", 6000);
  } else if (answer.status === 403) {
    setStatus("error", "Not saved");
    toast("Only the owner can save this topology: fork it to keep your changes.", "error", 6000);
  } else {
    setStatus("error", "Not saved");
    toast(`Not saved: ${errorText(answer)}`, "error", 6000);
  }
}

app.save = async function save() {
  if (!app.editable() || app.saving) return;
  if (app.invalidForm) {
    toast("A field has a value that is not valid (shown in red): fix it or clear it first.", "error");
    return;
  }
  app.saving = true;
  setStatus("saving", "Saving…");
  const document_ = app.document();
  const changesAtStart = app.changes;
  let saved;
  try {
    // Always sent as a draft: a document with problems is then kept (marked, unable to run)
    // instead of refused, so work in progress is never lost; a valid one is a plain revision.
    if (!app.topologyId) {
      const answer = await api.create(document_, true);
      if (answer.status !== 201) return refusedSave(answer);
      adopt(answer.body);
      saved = answer.body;
      clearDraft(null);
      app.mode = "edit";
      history.replaceState(null, "", answer.body.edit_url || `/t/${encodeURIComponent(app.topologyId)}`);
    } else {
      const answer = await api.save(app.topologyId, app.revision, document_, true);
      if (answer.status === 409) return showConflict(answer.body || {}, document_);
      if (!answer.ok) return refusedSave(answer);
      adopt(answer.body);
      saved = answer.body;
    }
    app.dirty = app.changes !== changesAtStart;
    if (app.dirty) writeDraft();
    else clearDraft(app.topologyId);
    if (app.dirty) setStatus("dirty", "Unsaved changes");
    else savedStatus(saved);
    if (saved.draft) {
      app.problems.show(saved.problems);
      toast(
        `Saved as a draft: ${plural(saved.problems.length, "problem")} to fix before it can run (see Problems).`,
        "info",
        6000,
      );
    }
    updateChrome();
    if (!document.getElementById("panel-history").hidden) renderRevisions(app);
  } finally {
    app.saving = false;
  }
};

function showConflict(body, mine) {
  const dialog = document.getElementById("dlg-conflict");
  setStatus("error", "Not saved: newer revision exists");
  const latest = body.latest_revision;
  document.getElementById("conflict-text").textContent =
    `Revision ${latest ?? "?"} was saved after the revision ${app.revision} you started from. ` +
    "Nothing was overwritten. Load their version (your changes here are dropped), or keep yours as a new topology.";
  document.getElementById("btn-reload-theirs").onclick = async () => {
    const answer = await api.get(app.topologyId);
    if (!answer.ok) return toast(`Could not load it: ${errorText(answer)}`, "error");
    dialog.close();
    adopt(answer.body);
    app.loadDocument(answer.body.document);
    app.dirty = false;
    clearDraft(app.topologyId);
    savedStatus(answer.body);
    toast(`Loaded revision ${app.revision}.`);
  };
  document.getElementById("btn-save-fork").onclick = async () => {
    const answer = await api.create(mine, true);
    if (answer.status !== 201) {
      dialog.close();
      return refusedSave(answer);
    }
    clearDraft(app.topologyId);
    app.dirty = false;
    location.assign(answer.body.edit_url || `/t/${encodeURIComponent(answer.body.id)}`);
  };
  dialog.showModal();
}

// ---- loading the page ------------------------------------------------------------------------

function offerDraft(loaded) {
  if (!app.editable()) return;
  const draft = loadDraft(app.topologyId);
  if (!draft) return;
  if (JSON.stringify(draft.document) === JSON.stringify(loaded)) {
    clearDraft(app.topologyId);
    return;
  }
  const when = formatTime(draft.saved_at);
  const stale =
    app.topologyId && draft.base_revision !== null && app.revision !== null && draft.base_revision < app.revision
      ? ` It started from revision ${draft.base_revision}; the latest is ${app.revision}.`
      : "";
  showBanner(
    `You have unsaved changes from ${when} in this browser.${stale}`,
    [
      {
        label: "Restore",
        primary: true,
        onclick: () => {
          hideBanner();
          app.loadDocument(draft.document);
          app.changed();
          toast("Draft restored. Save to keep it.");
        },
      },
      {
        label: "Discard",
        onclick: () => {
          hideBanner();
          clearDraft(app.topologyId);
        },
      },
    ],
  );
}

async function loadInitial() {
  const empty = { format: 1, name: "Untitled topology", nodes: [], edges: [] };
  if (app.mode === "new") {
    let start = empty;
    if (config.preset) {
      const result = await fetchPresets();
      const preset = result.presets && result.presets.find((candidate) => candidate.id === config.preset);
      if (preset) start = clone(preset.document);
      else toast(`No preset called "${config.preset}": starting from an empty canvas.`, "error", 6000);
    }
    app.loadDocument(start);
    setStatus("idle", config.preset ? "New from a preset · not saved yet" : "Not saved yet");
    offerDraft(app.document());
    return true;
  }
  let answer;
  if (app.mode === "view") answer = await api.shared(app.shareToken);
  else if (app.mode === "revision") answer = await api.revision(app.topologyId, app.revision);
  else answer = await api.get(app.topologyId);
  if (!answer.ok) {
    setStatus("error", "Could not load");
    showBanner(`Could not load this topology: ${errorText(answer)}.`, [{ label: "New topology", onclick: () => location.assign("/") }]);
    return false;
  }
  const body = answer.body;
  if (body.revision !== undefined) app.revision = body.revision;
  if (body.view_url) app.viewUrl = body.view_url;
  if (app.mode === "edit" && body.can_edit === false) app.mode = "readonly";
  if (app.mode === "view") app.viewUrl = location.pathname;
  showOrigin(app.mode === "edit" ? body.forked_from_url : null);
  app.loadDocument(body.document);
  if (body.draft) {
    // A draft reopens on its problems: they are why it was saved as one.
    app.problems.show(body.problems || []);
    app.showTab("tab-problems");
  }
  if (app.editable()) {
    savedStatus(body);
    offerDraft(app.document());
  } else {
    setStatus("readonly", readOnlyStatus());
    if (app.mode === "revision") {
      showBanner(
        `You are looking at revision ${app.revision}, read-only.`,
        [{ label: "Open the latest", onclick: () => location.assign(`/t/${encodeURIComponent(app.topologyId)}`) }],
        "info",
      );
      // The share link of an old revision is the topology's own.
      api.get(app.topologyId).then((latest) => latest.ok && adopt({ view_url: latest.body.view_url }));
    }
  }
  return true;
}

function reportFatal(message) {
  root.dataset.state = "error";
  setStatus("error", "Editor failed to start");
  showBanner(message);
}

async function start() {
  if (!window.X6) return reportFatal("The canvas library did not load; reload the page.");
  const schemaAnswer = await api.schema();
  if (!schemaAnswer.ok) return reportFatal(`Could not load the component schema: ${errorText(schemaAnswer)}.`);
  const schema = readSchema(schemaAnswer.body);
  app.schema = schema;
  root.dataset.mode = app.mode;
  const readOnly = !app.editable();

  app.canvas = new Canvas({
    container: document.getElementById("canvas"),
    minimapContainer: document.getElementById("minimap"),
    kinds: schema.kindsByName,
    readOnly,
    on: {
      change: () => app.changed(),
      selection: () => {
        app.panel.renderLists();
        app.panel.renderInspector();
        if (app.run) app.run.selectionChanged();
      },
      contextmenu: (cell, event) => app.run && app.run.faults.openMenu(cell, event),
      refused: (message) => toast(`Cannot connect: ${message}.`, "error"),
      history: () => updateChrome(),
      replaced: (record, which) => restoreAfterReplace(record, which),
    },
  });
  app.canvas.graph.on("scale", () => updateChrome());
  // Double-clicking a component goes to its label, the quickest way to rename it.
  app.canvas.graph.on("node:dblclick", () => {
    app.showTab("tab-inspect");
    const label = document.getElementById("node-label");
    if (label && !label.disabled) {
      label.focus();
      label.select();
    }
  });
  app.panel = new Panel({
    canvas: app.canvas,
    schema,
    readOnly,
    onInvalidChange: (invalid) => {
      app.invalidForm = invalid;
      if (app.run) app.run.refreshBar();
    },
  });
  app.problems = new Problems({
    canvas: app.canvas,
    getDocument: () => app.document(),
    onProblems: (problems, nodes) => {
      app.panel.setProblemNodes(nodes);
      if (app.run) app.run.setProblems(problems.length);
    },
  });
  app.scenario = new ScenarioPanel({
    container: document.getElementById("scenario"),
    schema,
    canvas: app.canvas,
    readOnly,
    getScenario: () => app.meta.scenario,
    setScenario: (scenario) => {
      app.meta.scenario = scenario;
      app.changed();
    },
  });
  app.run = new RunController(app);
  renderPalette(document.getElementById("palette-list"), schema.kinds, {
    onDragStart: (kind, event) => app.editable() && app.canvas.startDrag(kind, event),
    onAdd: (kind) => {
      if (!app.editable()) return;
      const id = app.canvas.addNode(kind);
      toast(`Added ${id}.`);
    },
  });
  app.showTab = setupTabs();
  document.getElementById("tab-scenario").addEventListener("click", () => app.scenario.render());
  document.getElementById("tab-history").addEventListener("click", () => renderRevisions(app));
  wireToolbar();
  fullTextOnHover(document.getElementById("run-status"));
  setupIO(app);
  setupPresets();
  setupShare(app);
  renderShortcutList(document.getElementById("shortcut-list"), !readOnly);
  installShortcuts(
    {
      undo: () => app.canvas.undo(),
      redo: () => app.canvas.redo(),
      copy: () => {
        const count = app.canvas.copy();
        if (count) toast(`Copied ${count} component${count === 1 ? "" : "s"}.`);
      },
      paste: () => app.canvas.paste(),
      selectAll: () => app.canvas.selectAll(),
      remove: () => app.canvas.deleteSelected(),
      save: () => app.save(),
      zoomIn: () => app.canvas.zoom(0.1),
      zoomOut: () => app.canvas.zoom(-0.1),
      fit: () => app.canvas.fit(),
      escape: () => app.canvas.clearSelection(),
      help: () => document.getElementById("dlg-help").showModal(),
    },
    () => app.editable(),
  );
  window.addEventListener("pagehide", writeDraft);
  const loaded = await loadInitial();
  app.run.refreshBar();
  if (loaded && app.mode === "view" && app.shareToken) new LiveViewer(app.run, app.shareToken).start();
  root.dataset.state = loaded ? "ready" : "error";
  // For browser tests and the curious: the current document, as Export would write it, and the
  // run view (its run, its socket, its charts).
  window.archplay = { document: () => app.document(), app, live: app.run };
}

function wireToolbar() {
  const name = document.getElementById("doc-name");
  name.addEventListener("change", () => {
    const value = name.value.trim();
    app.meta.name = value === "" ? undefined : value;
    renderName();
    app.changed();
  });
  name.addEventListener("keydown", (event) => {
    if (event.key === "Enter") name.blur();
  });
  document.getElementById("btn-undo").addEventListener("click", () => app.canvas.undo());
  document.getElementById("btn-redo").addEventListener("click", () => app.canvas.redo());
  document.getElementById("btn-save").addEventListener("click", () => app.save());
  document.getElementById("btn-zoom-in").addEventListener("click", () => app.canvas.zoom(0.1));
  document.getElementById("btn-zoom-out").addEventListener("click", () => app.canvas.zoom(-0.1));
  document.getElementById("btn-fit").addEventListener("click", () => app.canvas.fit());
  document.getElementById("btn-help").addEventListener("click", () => document.getElementById("dlg-help").showModal());
  const canvasElement = document.getElementById("canvas");
  canvasElement.tabIndex = 0;
  canvasElement.setAttribute("role", "application");
  canvasElement.setAttribute(
    "aria-label",
    "Diagram canvas. Use the side panel to add, select and connect components; press ? for shortcuts.",
  );
}

start().catch((error) => {
  console.error(error);
  reportFatal(`The editor failed to start: ${error.message}`);
});


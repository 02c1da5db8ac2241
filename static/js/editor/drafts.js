// Autosave: the unsaved state of the diagram is kept in this browser's localStorage after every
// change, one draft per topology ("new" for one not saved yet), so that closing the tab or a
// crash loses nothing. Saving clears the draft. A draft remembers the revision it started from,
// so the editor can say how it relates to what the server has.

const PREFIX = "archplay:draft:";

function key(topologyId) {
  return PREFIX + (topologyId || "new");
}

/** Stores the draft; returns false when the browser refuses (private mode, full storage). */
export function saveDraft(topologyId, document, baseRevision) {
  try {
    const draft = { document, base_revision: baseRevision ?? null, saved_at: new Date().toISOString() };
    localStorage.setItem(key(topologyId), JSON.stringify(draft));
    return true;
  } catch {
    return false;
  }
}

/** The stored draft {document, base_revision, saved_at}, or null. */
export function loadDraft(topologyId) {
  try {
    const raw = localStorage.getItem(key(topologyId));
    if (!raw) return null;
    const draft = JSON.parse(raw);
    return draft && draft.document && typeof draft.document === "object" ? draft : null;
  } catch {
    return null;
  }
}

export function clearDraft(topologyId) {
  try {
    localStorage.removeItem(key(topologyId));
  } catch {
    // Nothing to clear when storage is unavailable.
  }
}

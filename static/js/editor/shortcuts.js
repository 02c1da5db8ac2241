// Keyboard shortcuts, listed in the help overlay (press ?). They act on the canvas unless the
// focus is in a text field or a list box, where keys keep their usual meaning; Ctrl+S and
// Escape work everywhere.

import { el } from "./ui.js";

export const SHORTCUTS = [
  { keys: ["Delete", "Backspace"], does: "Delete the selection", editOnly: true },
  { keys: ["Ctrl+Z"], does: "Undo", editOnly: true },
  { keys: ["Ctrl+Shift+Z", "Ctrl+Y"], does: "Redo", editOnly: true },
  { keys: ["Ctrl+C"], does: "Copy the selected components", editOnly: true },
  { keys: ["Ctrl+V"], does: "Paste", editOnly: true },
  { keys: ["Ctrl+A"], does: "Select everything" },
  { keys: ["Ctrl+S"], does: "Save", editOnly: true },
  { keys: ["+"], does: "Zoom in" },
  { keys: ["-"], does: "Zoom out" },
  { keys: ["0"], does: "Fit the diagram to the screen" },
  { keys: ["Escape"], does: "Clear the selection, close a dialog" },
  { keys: ["?"], does: "Show this list" },
];

function typing(target) {
  if (!target || !(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
}

export function renderShortcutList(list, editable) {
  list.replaceChildren(
    ...SHORTCUTS.filter((shortcut) => editable || !shortcut.editOnly).flatMap((shortcut) => [
      el("dt", {}, ...shortcut.keys.flatMap((key, index) => [index ? " or " : "", el("kbd", {}, key)])),
      el("dd", {}, shortcut.does),
    ]),
  );
}

/** actions: {undo, redo, copy, paste, selectAll, remove, save, zoomIn, zoomOut, fit, escape, help} */
export function installShortcuts(actions, editable) {
  document.addEventListener("keydown", (event) => {
    const ctrl = event.ctrlKey || event.metaKey;
    const key = event.key;
    if (ctrl && key.toLowerCase() === "s") {
      event.preventDefault();
      if (editable()) actions.save();
      return;
    }
    if (document.querySelector("dialog[open]")) return; // the dialog handles its own keys
    if (typing(event.target)) return;
    if (key === "Escape") {
      actions.escape();
      return;
    }
    if (ctrl) {
      const lower = key.toLowerCase();
      let handled = true;
      if (lower === "z" && event.shiftKey) editable() && actions.redo();
      else if (lower === "z") editable() && actions.undo();
      else if (lower === "y") editable() && actions.redo();
      else if (lower === "c") editable() && actions.copy();
      else if (lower === "v") editable() && actions.paste();
      else if (lower === "a") actions.selectAll();
      else handled = false;
      if (handled) event.preventDefault();
      return;
    }
    if (event.altKey) return;
    if (key === "Delete" || key === "Backspace") {
      if (editable()) {
        event.preventDefault();
        actions.remove();
      }
    } else if (key === "+" || key === "=") actions.zoomIn();
    else if (key === "-" || key === "_") actions.zoomOut();
    else if (key === "0") actions.fit();
    else if (key === "?") actions.help();
  });
}

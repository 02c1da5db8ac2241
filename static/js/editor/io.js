// Import and export. Export downloads the format-1 document exactly as the editor holds it
// (name.json), or a picture of the diagram (PNG, SVG) drawn by X6's export plugin. Import reads
// a JSON file, says clearly when it is not JSON or not a topology, asks the server's validation
// for its problems, and loads it onto the canvas with those problems shown. Importing over
// unsaved changes asks first; either way the import is one step that undo takes back.

import { api, errorText } from "./api.js";
import { fileName } from "./diagram.js";
import { confirmDialog, download, el, toast } from "./ui.js";

function problemLine(problem) {
  const where = problem.edge ? `wire ${problem.edge}` : problem.node ? `component ${problem.node}` : "document";
  return problem.text || `${where}: ${problem.field ? problem.field + ": " : ""}${problem.message}`;
}

/** Reads a File into {document} or {error}. */
export async function readDocumentFile(file) {
  let text;
  try {
    text = await file.text();
  } catch (error) {
    return { error: `Could not read ${file.name}: ${error.message}` };
  }
  let document;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return { error: `${file.name} is not valid JSON (${error.message}). Export a topology to see the format.` };
  }
  if (!document || typeof document !== "object" || Array.isArray(document) || !Array.isArray(document.nodes)) {
    return { error: `${file.name} is JSON but not a topology: a topology is an object with "format": 1 and a "nodes" list.` };
  }
  return { document };
}

export function setupIO(app) {
  const input = document.getElementById("import-file");
  const dialog = document.getElementById("dlg-import");
  const body = document.getElementById("import-body");
  const menu = document.getElementById("export-menu");

  document.getElementById("btn-import").addEventListener("click", () => input.click());
  input.addEventListener("change", async () => {
    const file = input.files && input.files[0];
    input.value = "";
    if (!file) return;
    const read = await readDocumentFile(file);
    if (read.error) {
      body.replaceChildren(el("p", { class: "field-error" }, read.error));
      dialog.showModal();
      return;
    }
    if (app.dirty) {
      const replace = await confirmDialog({
        title: "Replace the canvas?",
        text:
          `Importing ${file.name} replaces what is on the canvas, which has unsaved changes. ` +
          "Undo (Ctrl+Z) brings it back.",
        yes: "Import and replace",
      });
      if (!replace) return;
    }
    const answer = await api.validate(read.document);
    // The previous run was of the previous diagram: its view goes, and the live overlay with it.
    app.run.detach();
    app.run.closeView();
    const notes = app.loadDocument(read.document, { undoable: true });
    app.changed();
    const name = read.document.name || file.name;
    const parts = [
      el("p", {}, `Imported “${name}”: ${read.document.nodes.length} components, ${(read.document.edges || []).length} wires.`),
    ];
    for (const note of notes) parts.push(el("p", { class: "muted" }, note));
    if (!answer.ok || !answer.body || !Array.isArray(answer.body.problems)) {
      parts.push(el("p", { class: "field-error" }, `Could not check it: ${errorText(answer)}`));
    } else if (answer.body.problems.length) {
      parts.push(
        el("p", { class: "field-error" }, `${answer.body.problems.length} problem(s) to fix before it can run or be saved:`),
        el("ul", { class: "import-problems" }, answer.body.problems.map((problem) => el("li", {}, problemLine(problem)))),
      );
    } else {
      parts.push(el("p", { class: "problems-summary", dataset: { state: "ok" } }, "No problems: it is valid."));
    }
    body.replaceChildren(...parts);
    dialog.showModal();
  });

  const close = () => menu.removeAttribute("open");
  document.getElementById("btn-export-json").addEventListener("click", () => {
    close();
    const document_ = app.document();
    download(`${fileName(document_.name)}.json`, JSON.stringify(document_, null, 2) + "\n");
  });
  document.getElementById("btn-export-png").addEventListener("click", async () => {
    close();
    if (!app.canvas.graph.getCellCount()) return toast("Nothing to export: the canvas is empty.", "error");
    const uri = await app.canvas.toPNG();
    download(`${fileName(app.document().name)}.png`, uri, "image/png", true);
  });
  document.getElementById("btn-export-svg").addEventListener("click", async () => {
    close();
    if (!app.canvas.graph.getCellCount()) return toast("Nothing to export: the canvas is empty.", "error");
    const svg = await app.canvas.toSVG();
    download(`${fileName(app.document().name)}.svg`, svg, "image/svg+xml");
  });
  document.addEventListener("click", (event) => {
    if (menu.open && !menu.contains(event.target)) close();
  });
}

// The presets gallery: every preset the server knows (GET /api/presets) as a card with its title
// and description. Opening one starts a new, unsaved topology from it (the page `/?preset=<id>`).

import { api, errorText } from "./api.js";
import { el } from "./ui.js";

let cache = null;

export async function fetchPresets() {
  if (cache) return cache;
  const answer = await api.presets();
  if (!answer.ok || !Array.isArray(answer.body)) return { error: errorText(answer) };
  cache = { presets: answer.body };
  return cache;
}

export function presetUrl(id) {
  return `/?preset=${encodeURIComponent(id)}`;
}

export function setupPresets() {
  const dialog = document.getElementById("dlg-presets");
  const body = document.getElementById("presets-body");
  const open = async () => {
    body.replaceChildren(el("p", { class: "muted" }, "Loading…"));
    dialog.showModal();
    const result = await fetchPresets();
    if (result.error) {
      body.replaceChildren(el("p", { class: "field-error" }, `Could not load the presets: ${result.error}`));
      return;
    }
    if (!result.presets.length) {
      body.replaceChildren(el("p", { class: "muted" }, "No presets yet. Start from an empty canvas, or import a JSON file."));
      return;
    }
    body.replaceChildren(
      ...result.presets.map((preset) => {
        const document_ = preset.document || {};
        const nodes = Array.isArray(document_.nodes) ? document_.nodes.length : 0;
        const events = document_.scenario && Array.isArray(document_.scenario.events) ? document_.scenario.events.length : 0;
        return el(
          "article",
          { class: "preset-card", dataset: { preset: preset.id } },
          el("h3", {}, preset.title || preset.id),
          el("p", {}, preset.description || ""),
          el("span", { class: "preset-meta" }, `${nodes} components${events ? `, ${events} scenario events` : ""}`),
          el("a", { href: presetUrl(preset.id), class: "preset-open", "aria-label": `Open ${preset.title || preset.id}` }, "Open"),
        );
      }),
    );
  };
  document.getElementById("btn-presets").addEventListener("click", open);
  document.getElementById("empty-presets").addEventListener("click", open);
}

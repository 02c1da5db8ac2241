// The History tab: every saved revision of this topology, newest first; each opens read-only at
// /t/{id}/r/{n}.

import { api, errorText } from "./api.js";
import { el, formatTime } from "./ui.js";

export async function renderRevisions(app) {
  const box = document.getElementById("revisions");
  if (!app.topologyId) {
    box.replaceChildren(el("p", { class: "muted" }, "Not saved yet: each save adds a revision here."));
    return;
  }
  box.replaceChildren(el("p", { class: "muted" }, "Loading…"));
  const answer = await api.revisions(app.topologyId);
  if (!answer.ok || !Array.isArray(answer.body)) {
    box.replaceChildren(el("p", { class: "field-error" }, `Could not load the revisions: ${errorText(answer)}`));
    return;
  }
  const id = encodeURIComponent(app.topologyId);
  box.replaceChildren(
    el("p", { class: "muted" }, "Every save is kept. Open one to see it read-only (and fork it)."),
    el(
      "ol",
      { class: "revision-list", "aria-label": "Revisions" },
      answer.body.map((revision) =>
        el(
          "li",
          {},
          el(
            "a",
            {
              href: `/t/${id}/r/${revision.revision}`,
              "aria-current": app.mode === "revision" && app.revision === revision.revision ? "page" : null,
            },
            el(
              "span",
              {},
              `Revision ${revision.revision}${revision.name ? ` · ${revision.name}` : ""}`,
              revision.draft ? el("span", { class: "draft-mark", title: "Saved with problems: it cannot run" }, "draft") : null,
            ),
            el("span", { class: "when" }, formatTime(revision.created_at)),
          ),
        ),
      ),
    ),
  );
}

// Sharing: the Share dialog gives the topology's read-only view link (absolute, with a Copy
// button); the Fork button copies what is shown into a new topology the visitor owns and opens it.

import { api, errorText } from "./api.js";
import { el, toast } from "./ui.js";

function saveFromDialog(dialog, app) {
  dialog.close();
  app.save();
}

export function setupShare(app) {
  const dialog = document.getElementById("dlg-share");
  const body = document.getElementById("share-body");
  document.getElementById("btn-share").addEventListener("click", () => {
    const link = app.viewUrl ? new URL(app.viewUrl, location.origin).href : null;
    if (!link) {
      body.replaceChildren(
        el("p", {}, "Save this topology first: the link shows its saved version."),
        app.editable()
          ? el("button", { type: "button", class: "primary", onclick: () => saveFromDialog(dialog, app) }, "Save now")
          : null,
      );
      dialog.showModal();
      return;
    }
    const input = el("input", { type: "text", id: "share-link", readonly: true, "aria-label": "View link" });
    input.value = link;
    const copy = el("button", { type: "button", class: "primary", id: "btn-copy-link" }, "Copy");
    copy.addEventListener("click", async () => {
      input.select();
      try {
        await navigator.clipboard.writeText(link);
        copy.textContent = "Copied";
      } catch {
        // Clipboard access can be refused; the text is selected for Ctrl+C instead.
        copy.textContent = "Press Ctrl+C";
      }
    });
    body.replaceChildren(
      el("p", {}, "Anyone with this link sees the latest saved version, read-only, and can fork it."),
      el("div", { class: "share-row" }, input, copy),
      el("p", {}, el("a", { href: link, target: "_blank", rel: "noopener" }, "Open the view link")),
    );
    dialog.showModal();
    input.select();
  });

  document.getElementById("btn-fork").addEventListener("click", async () => {
    let answer;
    if (app.mode === "view") answer = await api.forkShared(app.shareToken);
    else if (app.mode === "revision") answer = await api.fork(app.topologyId, app.revision);
    else answer = await api.fork(app.topologyId);
    if (answer.status === 201 && answer.body) {
      location.assign(answer.body.edit_url || `/t/${encodeURIComponent(answer.body.id)}`);
    } else {
      toast(`Could not fork: ${errorText(answer)}`, "error");
    }
  });
}

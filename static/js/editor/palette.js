// The palette: one entry per kind in the schema, with its icon and one-line description.
// Press and drag an entry onto the canvas to place a component there (X6's Dnd draws the
// preview); click it, or press Enter or Space on it, to add one in a free spot of the view.

import { iconElement, kindColor } from "./icons.js";
import { el } from "./ui.js";

export function renderPalette(list, kinds, { onDragStart, onAdd }) {
  list.replaceChildren(
    ...kinds.map((kind) => {
      const button = el(
        "button",
        {
          type: "button",
          class: "palette-item",
          dataset: { kind: kind.name },
          "aria-label": `Add ${kind.title}: ${kind.description}`,
          title: kind.description,
        },
        el("span", { class: "palette-icon", style: `background:${kindColor(kind.name)}1a` }, iconElement(kind.name, 22)),
        el(
          "span",
          { class: "palette-text" },
          el("span", { class: "palette-title" }, kind.title),
          el("span", { class: "palette-desc" }, kind.description),
        ),
      );
      button.addEventListener("mousedown", (event) => {
        if (event.button !== 0) return;
        // The drag starts only once the pointer has moved, so that a plain click still clicks.
        const startX = event.clientX;
        const startY = event.clientY;
        const move = (moved) => {
          if (Math.hypot(moved.clientX - startX, moved.clientY - startY) < 4) return;
          stop();
          onDragStart(kind.name, moved);
        };
        const stop = () => {
          window.removeEventListener("mousemove", move);
          window.removeEventListener("mouseup", stop);
        };
        window.addEventListener("mousemove", move);
        window.addEventListener("mouseup", stop);
      });
      button.addEventListener("click", () => onAdd(kind.name));
      return el("li", {}, button);
    }),
  );
}

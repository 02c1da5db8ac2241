// Faults injected while a run goes: right-click a component for "Fail" / "Recover", a wire for
// "Cut (partition)" / "Heal" / "Slow…"; the same actions sit in the side panel under the selected
// component or wire, for the keyboard. Each goes to POST /api/runs/{id}/commands; the worker
// applies it at the current simulated second and the run keeps it in its scenario.
//
// The menu follows the ARIA menu pattern: it takes focus, arrow keys move, Escape closes.

import { el } from "./ui.js";

const DEFAULT_SLOW_MS = 200;

export class LiveFaults {
  /** controller: the run controller (canInject(), inject(action, target, params)). */
  constructor(controller, canvas) {
    this.controller = controller;
    this.canvas = canvas;
    this.menu = el("div", { class: "live-menu", role: "menu", hidden: true, "aria-label": "Inject a fault" });
    document.body.append(this.menu);
    this.section = document.getElementById("live-faults");
    document.addEventListener("pointerdown", (event) => {
      if (!this.menu.hidden && !this.menu.contains(event.target)) this.closeMenu();
    });
    this.menu.addEventListener("keydown", (event) => this.menuKey(event));
  }

  /** The actions for a cell: [{action, label}]; a wire's "slow" asks for a latency first. */
  actionsFor(cell) {
    if (cell.isNode()) {
      return [
        { action: "fail", label: "Fail" },
        { action: "recover", label: "Recover" },
      ];
    }
    return [
      { action: "partition", label: "Cut (partition)" },
      { action: "heal", label: "Heal" },
      { action: "slow", label: "Slow…" },
    ];
  }

  target(cell) {
    return cell.isNode() ? cell.id : this.canvas.edgeDocId(cell);
  }

  // ---- context menu --------------------------------------------------------------------------

  openMenu(cell, event) {
    if (!this.controller.canInject()) return;
    const target = this.target(cell);
    const items = this.actionsFor(cell).map(({ action, label }) =>
      el(
        "button",
        {
          type: "button",
          role: "menuitem",
          tabindex: "-1",
          dataset: { action },
          onclick: () => (action === "slow" ? this.askLatency(target) : this.fire(action, target)),
        },
        label,
      ),
    );
    this.menu.replaceChildren(el("div", { class: "live-menu-title" }, target), ...items);
    this.menu.hidden = false;
    const x = Math.min(event.clientX, window.innerWidth - 200);
    const y = Math.min(event.clientY, window.innerHeight - 160);
    this.menu.style.left = `${x}px`;
    this.menu.style.top = `${y}px`;
    items[0].focus();
  }

  askLatency(target) {
    const input = el("input", { type: "number", min: "0", step: "any", id: "live-slow-ms", value: String(DEFAULT_SLOW_MS) });
    const apply = () => {
      const value = Number(input.value);
      if (!Number.isFinite(value) || value < 0) {
        input.setAttribute("aria-invalid", "true");
        return;
      }
      this.fire("slow", target, { latency_ms: value });
    };
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") apply();
    });
    this.menu.replaceChildren(
      el("div", { class: "live-menu-title" }, target),
      el("label", { for: "live-slow-ms" }, "Latency of this wire (ms)"),
      input,
      el("div", { class: "inline" }, el("button", { type: "button", class: "primary", onclick: apply }, "Slow it"),
        el("button", { type: "button", onclick: () => this.closeMenu() }, "Cancel")), // prettier-ignore
    );
    input.focus();
    input.select();
  }

  fire(action, target, params = {}) {
    this.closeMenu();
    this.controller.inject(action, target, params);
  }

  closeMenu() {
    if (this.menu.hidden) return;
    this.menu.hidden = true;
    this.menu.replaceChildren();
  }

  menuKey(event) {
    const items = [...this.menu.querySelectorAll('[role="menuitem"]')];
    const index = items.indexOf(document.activeElement);
    if (event.key === "Escape") {
      event.preventDefault();
      this.closeMenu();
      document.getElementById("canvas").focus();
    } else if (items.length && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      items[(index + step + items.length) % items.length].focus();
    }
  }

  // ---- side panel ----------------------------------------------------------------------------

  /** The panel's live actions for the selection (shown only while a run can take faults). */
  renderPanel() {
    if (!this.section) return;
    const selected = this.canvas.selected();
    const cell = this.controller.canInject() && selected.length === 1 ? selected[0] : null;
    const target = cell ? this.target(cell) : null;
    // Called on every redraw of the run bar: rebuilt only when what it shows changes, so that
    // focus and typing in it are never interrupted.
    const key = cell ? `${this.controller.run.id}|${cell.isNode() ? "node" : "edge"}|${target}` : "";
    if (key === this.shownKey) return;
    this.shownKey = key;
    if (!cell) {
      this.section.hidden = true;
      this.section.replaceChildren();
      return;
    }
    const buttons = this.actionsFor(cell).map(({ action, label }) => {
      if (action !== "slow") {
        return el("button", { type: "button", class: action === "fail" || action === "partition" ? "danger" : "", dataset: { action },
          onclick: () => this.controller.inject(action, target, {}) }, label); // prettier-ignore
      }
      return null;
    });
    const parts = [el("h3", { id: "live-faults-title" }, `While it runs: ${target}`), el("div", { class: "inspector-actions" }, buttons)];
    if (!cell.isNode()) {
      const input = el("input", { type: "number", min: "0", step: "any", id: "live-panel-slow-ms", value: String(DEFAULT_SLOW_MS) });
      parts.push(
        el(
          "div",
          { class: "row" },
          el("label", { for: "live-panel-slow-ms" }, "Slow it to this latency (ms)"),
          el("div", { class: "inline" }, input, el("button", { type: "button", dataset: { action: "slow" },
            onclick: () => this.controller.inject("slow", target, { latency_ms: Number(input.value) }) }, "Slow")), // prettier-ignore
        ),
      );
    }
    this.section.replaceChildren(...parts);
    this.section.hidden = false;
  }
}

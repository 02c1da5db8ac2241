// A minimap: the whole diagram in miniature with the visible area as a frame; press or drag on it
// to move the view there. X6's own MiniMap plugin expects its Scroller plugin (scrollbars), which
// this canvas does not use (it pans freely), so this small one draws on a <canvas> instead.

import { kindColor } from "./icons.js";

const PADDING = 8;

export class Minimap {
  constructor(container, graph) {
    this.container = container;
    this.graph = graph;
    this.canvas = document.createElement("canvas");
    this.canvas.setAttribute("aria-hidden", "true");
    container.replaceChildren(this.canvas);
    this.frame = null;
    const redraw = () => this.schedule();
    for (const event of ["translate", "scale", "resize", "cell:added", "cell:removed", "node:change:position", "cell:change:data"]) {
      graph.on(event, redraw);
    }
    const move = (event) => this.panTo(event);
    this.canvas.addEventListener("mousedown", (event) => {
      event.preventDefault();
      move(event);
      const up = () => {
        window.removeEventListener("mousemove", move);
        window.removeEventListener("mouseup", up);
      };
      window.addEventListener("mousemove", move);
      window.addEventListener("mouseup", up);
    });
    new ResizeObserver(redraw).observe(container);
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.draw();
    });
  }

  /** The graph rectangle shown, and the scale from graph units to minimap pixels. */
  layout() {
    const width = this.container.clientWidth;
    const height = this.container.clientHeight;
    const area = this.graph.getGraphArea();
    let box = area;
    if (this.graph.getCellCount()) box = this.graph.getContentBBox().union(area);
    const scale = Math.min((width - 2 * PADDING) / box.width, (height - 2 * PADDING) / box.height);
    const offsetX = PADDING + (width - 2 * PADDING - box.width * scale) / 2 - box.x * scale;
    const offsetY = PADDING + (height - 2 * PADDING - box.height * scale) / 2 - box.y * scale;
    return { width, height, area, scale, offsetX, offsetY };
  }

  draw() {
    const { width, height, area, scale, offsetX, offsetY } = this.layout();
    if (!width || !height) return;
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = width * ratio;
    this.canvas.height = height * ratio;
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    const context = this.canvas.getContext("2d");
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    const x = (value) => offsetX + value * scale;
    const y = (value) => offsetY + value * scale;
    context.strokeStyle = "#94a3b8";
    context.lineWidth = 1;
    for (const edge of this.graph.getEdges()) {
      const source = edge.getSourceCell();
      const target = edge.getTargetCell();
      if (!source || !target) continue;
      const a = source.getBBox().center;
      const b = target.getBBox().center;
      context.beginPath();
      context.moveTo(x(a.x), y(a.y));
      context.lineTo(x(b.x), y(b.y));
      context.stroke();
    }
    for (const node of this.graph.getNodes()) {
      const box = node.getBBox();
      context.fillStyle = kindColor((node.getData() || {}).kind);
      context.globalAlpha = 0.85;
      context.fillRect(x(box.x), y(box.y), Math.max(2, box.width * scale), Math.max(2, box.height * scale));
    }
    context.globalAlpha = 1;
    context.strokeStyle = "#3b82f6";
    context.lineWidth = 2;
    context.strokeRect(x(area.x), y(area.y), area.width * scale, area.height * scale);
  }

  panTo(event) {
    const { scale, offsetX, offsetY } = this.layout();
    const rect = this.canvas.getBoundingClientRect();
    const graphX = (event.clientX - rect.left - offsetX) / scale;
    const graphY = (event.clientY - rect.top - offsetY) / scale;
    this.graph.centerPoint(graphX, graphY);
  }
}

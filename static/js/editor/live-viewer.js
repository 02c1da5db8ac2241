// The classroom case: whoever opens a view link (/v/{token}) sees the owner's runs as they go.
// Every two seconds (while the page is visible) it asks for the topology's runs with the view
// token; when the newest one is queued or running and is not the one shown, the run view follows
// it over the websocket with `&view=TOKEN`, from its first message.

import { api } from "./api.js";

const POLL_MS = 2000;
const ACTIVE = new Set(["queued", "running"]);

export class LiveViewer {
  constructor(controller, token) {
    this.controller = controller;
    this.token = token;
    this.followed = new Set(); // runs already followed: closing the view does not reopen them
    this.timer = null;
    this.busy = false;
  }

  start() {
    this.poll();
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden) this.poll();
    });
  }

  async poll() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.poll(), POLL_MS);
    if (this.busy || document.hidden) return;
    this.busy = true;
    try {
      const answer = await api.runsOfView(this.token);
      if (!answer.ok || !Array.isArray(answer.body)) return;
      const going = answer.body.find((run) => ACTIVE.has(run.status));
      if (!going || this.followed.has(going.id)) return;
      const shown = this.controller.run;
      // Someone watching a run of their own (started from this page) is not interrupted.
      if (shown && shown.owned && ACTIVE.has(shown.status)) return;
      const detail = await api.run(going.id, this.token);
      if (!detail.ok) return;
      this.followed.add(going.id);
      const body = detail.body;
      this.controller.attach({
        id: body.id, owned: false, status: body.status, document: body.document, speed: body.speed, seed: body.seed,
        view: this.token,
      }); // prettier-ignore
      this.controller.showTab("run-tab-live");
    } finally {
      this.busy = false;
    }
  }
}

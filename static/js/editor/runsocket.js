// The websocket of one run (spec/api.md, "Websocket /ws/runs/{id}/"), as a stream that loses
// nothing. The server numbers every message of a run with a `seq` rising by one and, to a client
// that connects with `?after=SEQ`, first replays everything after SEQ. So this client remembers
// the last seq it handed on, reconnects by itself when the connection drops (after 0.5 s, then
// doubling up to 5 s), asks for `?after=<last seq>`, and drops anything at or below it: every
// message reaches `onMessage` exactly once, in order, however often the network hiccups.
//
// It stops for good after `done` or `error`, when told to (`close()`), or when the server refuses
// the run. A refused handshake looks like any dropped connection from inside a browser (close code
// 1006, or 4403/4404 if the server closed after accepting), so when a connection closes before it
// ever opened, the run's status URL says why: 403 (not allowed) and 404 (no such run) are final.

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 5000;
const FINAL_CODES = { 4403: "you are not allowed to watch this run", 4404: "there is no such run" };

export class RunSocket {
  /**
   * runId: the run; view: a view-link token (viewers of a shared topology) or null;
   * after: the last seq already seen (0 for everything);
   * onMessage(message): each message once, in seq order;
   * onState(state, detail): "connecting" | "open" | "retrying" (detail: delay ms) | "closed" |
   * "refused" (detail: why).
   */
  constructor({ runId, view = null, after = 0, onMessage, onState = () => {} }) {
    this.runId = runId;
    this.view = view;
    this.lastSeq = after;
    this.onMessage = onMessage;
    this.onState = onState;
    this.delay = FIRST_DELAY_MS;
    this.socket = null;
    this.timer = null;
    this.stopped = false;
    this.connections = 0; // how many times it connected: reconnects are visible to tests
    this.duplicates = 0; // messages dropped because their seq had already been seen
    this.connect();
  }

  url() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const query = new URLSearchParams({ after: String(this.lastSeq) });
    if (this.view) query.set("view", this.view);
    return `${scheme}//${location.host}/ws/runs/${encodeURIComponent(this.runId)}/?${query}`;
  }

  connect() {
    if (this.stopped) return;
    this.onState("connecting");
    let opened = false;
    const socket = new WebSocket(this.url());
    this.socket = socket;
    socket.addEventListener("open", () => {
      opened = true;
      this.connections += 1;
      this.delay = FIRST_DELAY_MS;
      this.onState("open");
    });
    socket.addEventListener("message", (event) => {
      if (socket !== this.socket) return; // a socket being replaced
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (typeof message.seq !== "number") return;
      if (message.seq <= this.lastSeq) {
        this.duplicates += 1;
        return;
      }
      this.lastSeq = message.seq;
      this.onMessage(message);
      if (message.type === "done" || message.type === "error") this.finish();
    });
    socket.addEventListener("close", (event) => {
      if (socket !== this.socket || this.stopped) return;
      this.socket = null;
      if (FINAL_CODES[event.code]) return this.refuse(FINAL_CODES[event.code]);
      if (!opened) this.probe();
      else this.retry();
    });
  }

  /** Closed before it opened: a refused run or a server that is not there (yet). */
  async probe() {
    const query = this.view ? `?view=${encodeURIComponent(this.view)}` : "";
    let status = 0;
    try {
      const response = await fetch(`/api/runs/${encodeURIComponent(this.runId)}${query}`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      status = response.status;
    } catch {
      status = 0;
    }
    if (this.stopped) return;
    if (status === 403) this.refuse("you are not allowed to watch this run");
    else if (status === 404) this.refuse("there is no such run");
    else this.retry();
  }

  retry() {
    if (this.stopped) return;
    const delay = this.delay;
    this.delay = Math.min(this.delay * 2, MAX_DELAY_MS);
    this.onState("retrying", delay);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  refuse(why) {
    this.finish();
    this.onState("refused", why);
  }

  /** The stream is complete: no reconnecting. */
  finish() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.socket) {
      const socket = this.socket;
      this.socket = null;
      socket.close(1000);
    }
    this.onState("closed");
  }

  close() {
    if (!this.stopped) this.finish();
  }

  /** Drops the connection as a network failure would (for tests and the curious). */
  drop() {
    if (this.socket) this.socket.close(4000, "dropped on purpose");
  }
}

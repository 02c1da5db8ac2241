// The live link of the debug page /debug/live (only while DEBUG is on): open a websocket on a
// fresh random channel, then ask a worker to send numbered pulses to it, and show them as they
// arrive. Listening first matters: messages
// published before the socket joined its group are not replayed.

const statusEl = document.getElementById("live-status");
const listEl = document.getElementById("live-messages");
const againButton = document.getElementById("live-again");
const PULSES = 5;

function randomChannel() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function cookie(name) {
  const match = document.cookie.split("; ").find((row) => row.startsWith(name + "="));
  return match ? decodeURIComponent(match.split("=")[1]) : "";
}

function show(state, text) {
  statusEl.dataset.state = state;
  statusEl.textContent = text;
}

async function requestPulses(channel) {
  listEl.replaceChildren();
  againButton.disabled = true;
  show("connecting", "Connected; waiting for a worker…");
  const response = await fetch("/api/pulse", {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": cookie("csrftoken") },
    body: JSON.stringify({ channel, count: PULSES, interval_ms: 150 }),
  });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    show("error", `Could not ask a worker: ${body.error || response.status}`);
    againButton.disabled = false;
  }
}

function connect() {
  const channel = randomChannel();
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws/pulse/${channel}/`);
  let received = 0;
  socket.addEventListener("open", () => requestPulses(channel));
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    if (message.type !== "pulse") return;
    received += 1;
    const item = document.createElement("li");
    item.textContent = `#${message.seq}`;
    listEl.append(item);
    show(received === message.count ? "ok" : "connecting",
         received === message.count ? `Live: received ${received} of ${message.count} messages from a worker`
                                    : `Receiving: ${received} of ${message.count}`);
    if (message.seq === message.count) {
      received = 0;
      againButton.disabled = false;
    }
  });
  socket.addEventListener("close", () => {
    show("error", "Disconnected; reconnecting…");
    againButton.disabled = true;
    setTimeout(connect, 2000);
  });
  againButton.onclick = () => requestPulses(channel);
}

connect();

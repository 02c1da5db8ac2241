// The HTTP API of spec/api.md, as small async functions. Every answer comes back as
// {ok, status, body}; a network failure is {ok: false, status: 0}. Unsafe methods send Django's
// CSRF token from the `csrftoken` cookie, which every page sets.

function cookie(name) {
  const row = document.cookie.split("; ").find((item) => item.startsWith(name + "="));
  return row ? decodeURIComponent(row.slice(name.length + 1)) : "";
}

async function request(method, path, body) {
  const headers = { Accept: "application/json" };
  const init = { method, headers, credentials: "same-origin" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  if (method !== "GET") headers["X-CSRFToken"] = cookie("csrftoken");
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    return { ok: false, status: 0, body: { error: `cannot reach the server (${error.message})`, details: [] } };
  }
  let parsed = null;
  try {
    parsed = await response.json();
  } catch {
    parsed = { error: `the server answered ${response.status} without JSON`, details: [] };
  }
  return { ok: response.ok, status: response.status, body: parsed };
}

const enc = encodeURIComponent;

export const api = {
  schema: () => request("GET", "/api/schema"),
  validate: (document) => request("POST", "/api/validate", { document }),
  presets: () => request("GET", "/api/presets"),
  // `draft`: keep the document even if it has problems (the answer says whether it had any).
  create: (document, draft = false) => request("POST", "/api/topologies", { document, draft }),
  get: (id) => request("GET", `/api/topologies/${enc(id)}`),
  save: (id, baseRevision, document, draft = false) =>
    request("PUT", `/api/topologies/${enc(id)}`, { base_revision: baseRevision, document, draft }),
  revisions: (id) => request("GET", `/api/topologies/${enc(id)}/revisions`),
  revision: (id, n) => request("GET", `/api/topologies/${enc(id)}/revisions/${enc(n)}`),
  fork: (id, revision) =>
    request("POST", `/api/topologies/${enc(id)}/fork`, revision ? { revision } : {}),
  shared: (token) => request("GET", `/api/shared/${enc(token)}`),
  forkShared: (token) => request("POST", `/api/shared/${enc(token)}/fork`, {}),
  // Runs (spec/api.md, "Runs"); `view` is a view-link token, for those who watch a shared topology.
  runStart: (body) => request("POST", "/api/runs", body),
  run: (id, view) => request("GET", `/api/runs/${enc(id)}${view ? `?view=${enc(view)}` : ""}`),
  runCancel: (id) => request("POST", `/api/runs/${enc(id)}/cancel`, {}),
  runCommand: (id, action, target, params = {}) =>
    request("POST", `/api/runs/${enc(id)}/commands`, { action, target, params }),
  runsOfTopology: (topologyId) => request("GET", `/api/runs?topology_id=${enc(topologyId)}`),
  runsOfView: (token) => request("GET", `/api/runs?view=${enc(token)}`),
};

/** A one-line reason from an error answer. */
export function errorText(answer) {
  const body = answer.body || {};
  return body.error || (answer.status ? `the server answered ${answer.status}` : "no answer from the server");
}

// Icons and accent colours per component kind. This is presentation keyed by kind name, not a list
// of kinds: a kind the schema adds later gets the generic icon and colour until someone draws one.

const PATHS = {
  client:
    '<rect x="3" y="4" width="18" height="12" rx="2"/><path d="M8 20h8M12 16v4"/>',
  dns:
    '<circle cx="12" cy="12" r="9"/><path d="M3 12h18M12 3a14 14 0 0 1 0 18M12 3a14 14 0 0 0 0 18"/>',
  cdn:
    '<path d="M7 18a4.5 4.5 0 0 1-.6-8.96A6 6 0 0 1 18 9.5a4.25 4.25 0 0 1-.5 8.5z"/>',
  load_balancer:
    '<circle cx="5" cy="12" r="2"/><circle cx="19" cy="5" r="2"/><circle cx="19" cy="12" r="2"/>' +
    '<circle cx="19" cy="19" r="2"/><path d="M7 12h10M7 11l10-5.5M7 13l10 5.5"/>',
  app_server:
    '<rect x="3" y="3" width="18" height="7" rx="1.5"/><rect x="3" y="14" width="18" height="7" rx="1.5"/>' +
    '<path d="M7 6.5h.01M7 17.5h.01M11 6.5h6M11 17.5h6"/>',
  cache: '<path d="M13 2 4 14h7l-1 8 9-12h-7z"/>',
  database:
    '<ellipse cx="12" cy="5" rx="8" ry="3"/><path d="M4 5v14c0 1.7 3.6 3 8 3s8-1.3 8-3V5"/>' +
    '<path d="M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3"/>',
  queue:
    '<rect x="2" y="7" width="5" height="10" rx="1"/><rect x="9.5" y="7" width="5" height="10" rx="1"/>' +
    '<rect x="17" y="7" width="5" height="10" rx="1"/>',
  worker:
    '<circle cx="12" cy="12" r="3"/><path d="M12 2v3M12 19v3M4.9 4.9l2.1 2.1M17 17l2.1 2.1M2 12h3M19 12h3' +
    'M4.9 19.1 7 17M17 7l2.1-2.1"/>',
};
const GENERIC = '<rect x="4" y="4" width="16" height="16" rx="3"/><path d="M9 12h6"/>';

const COLORS = {
  client: "#0ea5e9",
  dns: "#8b5cf6",
  cdn: "#06b6d4",
  load_balancer: "#f59e0b",
  app_server: "#2563eb",
  cache: "#ef4444",
  database: "#10b981",
  queue: "#ec4899",
  worker: "#6366f1",
};
const GENERIC_COLOR = "#64748b";

export function kindColor(kind) {
  return COLORS[kind] || GENERIC_COLOR;
}

/** The icon as an SVG string (trusted: built only from the constants above). */
export function iconSvg(kind, size = 24, color = kindColor(kind)) {
  const paths = PATHS[kind] || GENERIC;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 24 24" ` +
    `fill="none" stroke="${color}" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" ` +
    `aria-hidden="true" focusable="false">${paths}</svg>`
  );
}

/** The icon as a data: URI, for the <image> inside a canvas node (and PNG/SVG export). */
export function iconDataUri(kind) {
  return "data:image/svg+xml;charset=utf-8," + encodeURIComponent(iconSvg(kind, 24));
}

/** A DOM element holding the icon. */
export function iconElement(kind, size = 22) {
  const template = document.createElement("template");
  template.innerHTML = iconSvg(kind, size);
  return template.content.firstElementChild;
}

// Small DOM helpers shared by the panels: an element builder that only ever sets text (never
// HTML, so user text cannot become markup), a toast, the banner, and the side panel's tabs.

/** el("button", {type: "button", class: "x", onclick}, "text", child...) */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (value === true) element.setAttribute(name, "");
    else element.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

let toastTimer = null;

/** A short message at the bottom of the page; tone "error" for failures. */
export function toast(message, tone = "info", ms = 4000) {
  const box = document.getElementById("toast");
  box.textContent = message;
  box.dataset.tone = tone;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    box.hidden = true;
  }, ms);
}

/** The banner under the toolbar: text and buttons [{label, onclick, primary}]; tone "warn"|"info". */
export function showBanner(text, actions = [], tone = "warn") {
  const banner = document.getElementById("banner");
  document.getElementById("banner-text").textContent = text;
  const box = document.getElementById("banner-actions");
  box.replaceChildren(
    ...actions.map((action) =>
      el("button", { type: "button", class: action.primary ? "primary" : "", onclick: action.onclick }, action.label),
    ),
  );
  banner.dataset.tone = tone;
  banner.hidden = false;
}

export function hideBanner() {
  document.getElementById("banner").hidden = true;
}

/** Wires the side panel's tabs (arrow keys move between them, as the ARIA pattern says). */
export function setupTabs() {
  const tabs = [...document.querySelectorAll('.tabs [role="tab"]')];
  const select = (tab, focus) => {
    for (const other of tabs) {
      const selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
    }
    if (focus) tab.focus();
  };
  tabs.forEach((tab, index) => {
    tab.addEventListener("click", () => select(tab, false));
    tab.addEventListener("keydown", (event) => {
      const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
      if (!step) return;
      event.preventDefault();
      select(tabs[(index + step + tabs.length) % tabs.length], true);
    });
  });
  return (id) => select(document.getElementById(id), false);
}

export function formatTime(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString();
}

/** Downloads `content` (a string or Blob, or a data: URI with isUri) as `name`. */
export function download(name, content, type = "application/json", isUri = false) {
  const url = isUri ? content : URL.createObjectURL(content instanceof Blob ? content : new Blob([content], { type }));
  const link = el("a", { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  if (!isUri) setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Keeps `element`'s title equal to its text, for statuses that other modules rewrite and that the
 * toolbar may shorten with an ellipsis: the whole text is then one hover away.
 */
export function fullTextOnHover(element) {
  const mirror = () => {
    element.title = element.textContent;
  };
  new MutationObserver(mirror).observe(element, { childList: true, characterData: true, subtree: true });
  mirror();
}

/**
 * Asks a yes-or-no question in the page's own dialog (#dlg-confirm), never window.confirm: it is
 * styled like the rest of the editor and does not block the page. Resolves to true for `yes`.
 */
export function confirmDialog({ title, text, yes, no = "Cancel" }) {
  const dialog = document.getElementById("dlg-confirm");
  document.getElementById("dlg-confirm-title").textContent = title;
  document.getElementById("confirm-text").textContent = text;
  const yesButton = document.getElementById("btn-confirm-yes");
  const noButton = document.getElementById("btn-confirm-no");
  yesButton.textContent = yes;
  noButton.textContent = no;
  return new Promise((resolve) => {
    const finish = (answer) => {
      yesButton.onclick = null;
      noButton.onclick = null;
      dialog.onclose = null;
      if (dialog.open) dialog.close();
      resolve(answer);
    };
    yesButton.onclick = () => finish(true);
    noButton.onclick = () => finish(false);
    dialog.onclose = () => finish(false); // Escape
    dialog.showModal();
    noButton.focus(); // the safe answer is the default one
  });
}

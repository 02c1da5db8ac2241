"""Driving the editor in a real Chromium as a person would: the mouse drags palette entries onto the
canvas and wires between ports, the keyboard types into the panel. Shared by tests/e2e/test_editor_*.py.

`window.archplay.document()` (set by static/js/editor/main.js) returns the document exactly as
Export would write it; the tests read the editor's state through it and through what is on screen.
"""

import contextlib
import json
import pathlib
import re
from collections.abc import Iterator

from playwright.sync_api import Browser, Page, expect, sync_playwright

ARTIFACTS = pathlib.Path(__file__).resolve().parents[2] / "test-artifacts"
EXAMPLES = pathlib.Path(__file__).resolve().parents[3] / "shared" / "spec" / "examples"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1400, "height": 900}
SAVED = re.compile(r"Saved · revision \d+")


@contextlib.contextmanager
def chromium(chromium_path: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Editor:
    """One editor tab."""

    def __init__(self, page: Page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def open(self, path: str = "/") -> "Editor":
        self.page.goto(self.base_url + path)
        return self.wait_ready()

    def wait_ready(self) -> "Editor":
        self.page.wait_for_selector("#editor[data-state=ready]", timeout=20_000)
        return self

    def document(self) -> dict:
        return self.page.evaluate("window.archplay.document()")

    def node_ids(self) -> list[str]:
        return [node["id"] for node in self.document()["nodes"]]

    def mode(self) -> str:
        return self.page.get_attribute("#editor", "data-mode")

    # ---- mouse ----------------------------------------------------------------------------------

    def drag_from_palette(self, kind: str, x: float, y: float) -> str:
        """Drags the palette entry of `kind` to (x, y) on the page; returns the new node's id."""
        before = set(self.node_ids())
        box = self.page.locator(f".palette-item[data-kind={kind}]").bounding_box()
        self.page.mouse.move(box["x"] + 24, box["y"] + box["height"] / 2)
        self.page.mouse.down()
        self.page.mouse.move(box["x"] + 80, box["y"] + box["height"] / 2 + 10, steps=4)
        self.page.mouse.move(x, y, steps=12)
        self.page.mouse.up()
        self.page.wait_for_function(f"window.archplay.document().nodes.length === {len(before) + 1}")
        (added,) = set(self.node_ids()) - before
        return added

    def node_center(self, node_id: str) -> tuple[float, float]:
        box = self.page.locator(f'#canvas g[data-cell-id="{node_id}"]').bounding_box()
        return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

    def port_center(self, node_id: str, side: str) -> tuple[float, float]:
        node = self.page.locator(f'#canvas g[data-cell-id="{node_id}"]')
        port = node.locator(f'.x6-port-{side} circle, [port-group="{side}"] circle').first
        box = port.bounding_box()
        return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

    def connect(self, source: str, target: str) -> None:
        """Drags a wire from the right-hand port of `source` onto `target`."""
        edges = len(self.document().get("edges", []))
        self.page.mouse.move(*self.node_center(source))  # hovering shows the ports
        x, y = self.port_center(source, "right")
        self.page.mouse.move(x, y)
        self.page.mouse.down()
        tx, ty = self.node_center(target)
        self.page.mouse.move(tx - 30, ty, steps=12)
        self.page.mouse.move(tx, ty, steps=4)
        self.page.mouse.up()
        self.page.wait_for_function(f"(window.archplay.document().edges || []).length === {edges + 1}")

    def click_node(self, node_id: str) -> None:
        self.page.mouse.click(*self.node_center(node_id))
        expect(self.page.locator(".inspector .sub")).to_contain_text(f"id {node_id}")

    # ---- panel and toolbar ----------------------------------------------------------------------

    def set_param(self, name: str, value: str) -> None:
        field = self.page.locator(f"#node-param-{name}")
        field.fill(value)
        field.press("Enter")

    def save(self) -> None:
        self.page.keyboard.press("Control+s")
        expect(self.page.locator("#save-status")).to_have_text(SAVED, timeout=10_000)

    def import_file(self, path: pathlib.Path) -> str:
        """Imports a file through the Import button's file input; returns the dialog's text."""
        self.page.set_input_files("#import-file", str(path))
        dialog = self.page.locator("#dlg-import[open]")
        dialog.wait_for()
        text = dialog.inner_text()
        dialog.get_by_role("button", name="Close").click()
        return text

    def export_json(self, directory: pathlib.Path) -> tuple[pathlib.Path, dict]:
        self.page.locator("#export-menu summary").click()
        with self.page.expect_download() as info:
            self.page.get_by_role("menuitem", name="JSON document").click()
        download = info.value
        path = directory / download.suggested_filename
        download.save_as(path)
        return path, json.loads(path.read_text())

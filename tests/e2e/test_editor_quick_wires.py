"""Wiring with quick, imprecise drags, as a hurried person draws: the press lands near a port's
dot rather than on it, the pointer jumps to the target in a couple of moves, and the drop lands
anywhere on the target's box. Every such drag makes a wire; a refused one says why."""

import itertools

import pytest
from playwright.sync_api import expect

from tests.e2e.editor_helpers import VIEWPORT, Editor

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

# Where on the target the drop lands, as fractions of its box from the top-left corner.
DROP_SPOTS = [(0.5, 0.5), (0.1, 0.2), (0.9, 0.8), (0.05, 0.9), (0.95, 0.1), (0.3, 0.5), (0.7, 0.15)]
# How far from the dot's centre the press lands (pixels).
PRESS_OFFSETS = [(0, 0), (6, 5), (-5, 6), (7, -4), (-6, -6)]


@pytest.fixture
def editor(browser, live_app):
    context = browser.new_context(viewport=VIEWPORT)
    try:
        yield Editor(context.new_page(), live_app.http_url)
    finally:
        context.close()


def quick_drag(editor: Editor, source: str, target: str, press_offset, drop_spot) -> None:
    x, y = editor.port_center(source, "right")
    editor.page.mouse.move(x + press_offset[0], y + press_offset[1])
    editor.page.mouse.down()
    box = editor.page.locator(f'#canvas g[data-cell-id="{target}"] rect').first.bounding_box()
    editor.page.mouse.move(
        box["x"] + box["width"] * drop_spot[0], box["y"] + box["height"] * drop_spot[1], steps=2
    )
    editor.page.mouse.up()


def test_twenty_quick_drags_make_twenty_wires(editor):
    editor.open("/")
    servers = [editor.drag_from_palette("app_server", 430, 150 + 130 * row) for row in range(5)]
    caches = [editor.drag_from_palette("cache", 900, 180 + 150 * row) for row in range(4)]
    spots = itertools.cycle(DROP_SPOTS)
    offsets = itertools.cycle(PRESS_OFFSETS)

    for source, target in itertools.product(servers, caches):
        wires = len(editor.document()["edges"])
        quick_drag(editor, source, target, next(offsets), next(spots))
        editor.page.wait_for_function(
            f"window.archplay.document().edges.length === {wires + 1}", timeout=2_000
        )

    made = {(edge["source"], edge["target"]) for edge in editor.document()["edges"]}
    assert made == set(itertools.product(servers, caches))
    assert editor.errors == []


def test_a_quick_drag_that_breaks_a_rule_is_refused_and_says_why_in_the_editor(editor):
    editor.open("/")
    client = editor.drag_from_palette("client", 450, 250)
    first = editor.drag_from_palette("app_server", 850, 250)
    second = editor.drag_from_palette("app_server", 850, 450)
    quick_drag(editor, client, first, (0, 0), (0.5, 0.5))
    editor.page.wait_for_function("window.archplay.document().edges.length === 1")

    quick_drag(editor, client, second, (4, 3), (0.2, 0.7))

    expect(editor.page.locator("#toast")).to_contain_text("a client sends to exactly one target")
    assert [(edge["source"], edge["target"]) for edge in editor.document()["edges"]] == [(client, first)]

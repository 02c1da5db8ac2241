"""Presets: ready-made topologies, one per concept of the lecture, each a complete format-1
document (`<id>.json` in this folder) whose `name` is its title and whose `description` says, in
two sentences, what to watch when it runs.

>>> [p["id"] for p in load_presets()] == sorted(p["id"] for p in load_presets())
True
"""

import json
from functools import cache
from pathlib import Path

__all__ = ["PRESETS_DIR", "load_presets", "preset_by_id"]

PRESETS_DIR = Path(__file__).resolve().parent


@cache
def _load() -> tuple[dict, ...]:
    presets = []
    for path in sorted(PRESETS_DIR.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        presets.append(
            {
                "id": path.stem,
                "title": document.get("name", path.stem),
                "description": document.get("description", ""),
                "document": document,
            }
        )
    return tuple(presets)


def load_presets() -> list[dict]:
    """Every preset, ordered by id, as {"id", "title", "description", "document"}."""
    return [dict(preset, document=json.loads(json.dumps(preset["document"]))) for preset in _load()]


def preset_by_id(preset_id: str) -> dict | None:
    return next((preset for preset in load_presets() if preset["id"] == preset_id), None)

"""Every preset, run to the end in the editor, kept as a screenshot for a person to look at.

For each preset the gallery serves (GET /api/presets), this script opens it in the editor in a
headless Chromium (`/?preset=ID`, 1400 x 900), presses Run at full speed, waits for the results,
shows the Charts tab and saves the page to `test-artifacts/<preset-id>.png`. The toast that
announces the end of the run is hidden first: it would cover the charts.

It also prints, per preset, what a reader of the picture would check first, read from the page:
the run's status and availability, the wall time of the run, any JavaScript error, any chart whose
y ticks repeat, any legend holding a "–", and any chart line with nothing drawn. These are hints;
the screenshots are the thing to look at.

    .venv/bin/python benchmarks/preset_screenshots.py                      # starts its own stack
    .venv/bin/python benchmarks/preset_screenshots.py --url http://127.0.0.1:8000  # a running one
    .venv/bin/python benchmarks/preset_screenshots.py --only hot-shard --only cdn-push-vs-pull

Without --url it starts the application with `playground.launcher.Stack` (embedded Redis, one
Celery worker, Daphne) on a free port, with its own database and run folder in a temporary
directory, and stops it at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1400, "height": 900}

# What the page shows, read in one go: per chart its test id, its y ticks, its legend's text and
# the labels of the series that have no point at all.
READ_CHARTS = """() => archplay.live.charts.charts.filter((c) => c.plot).map((c) => ({
    testid: c.spec.testid,
    ticks: c.drawn.ticks,
    legend: c.box.querySelector('.u-legend') ? c.box.querySelector('.u-legend').innerText : '',
    empty: c.plot.series.slice(1).filter((s, i) => !c.plot.data[i + 1].some((v) => v !== null)).map((s) => s.label),
}))"""


def own_stack(workdir: Path):
    os.environ["ARCHPLAY_RUN_DIR"] = str(workdir / "run")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'db.sqlite3'}"
    os.environ.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True)
    sys.path.insert(0, str(ROOT))
    from playground import launcher

    stack = launcher.Stack(host="127.0.0.1", port=launcher.free_port(), concurrency=1)
    stack.start()
    return stack


def preset_ids(base_url: str) -> list[str]:
    with urllib.request.urlopen(f"{base_url}/api/presets", timeout=10) as response:
        return [preset["id"] for preset in json.loads(response.read())]


def run_and_shoot(page: Page, base_url: str, preset_id: str, timeout_ms: int) -> dict:
    """Opens, runs and photographs one preset; returns what to report about it."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base_url}/?preset={preset_id}")
    page.wait_for_selector("#editor[data-state=ready]", timeout=20_000)
    page.select_option("#run-speed", "max")
    started = time.perf_counter()
    page.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_function(
        "archplay.live.run && !['queued', 'running'].includes(archplay.live.run.status)"
        " && archplay.live.run.results !== null",
        timeout=timeout_ms,
    )
    wall_s = time.perf_counter() - started
    page.get_by_role("tab", name="Charts").click()
    page.evaluate("document.getElementById('toast').hidden = true")
    page.wait_for_timeout(400)  # one animation frame or two for the last redraw
    page.screenshot(path=str(ARTIFACTS / f"{preset_id}.png"))
    results = page.evaluate("archplay.live.run.results") or {}
    charts = page.evaluate(READ_CHARTS)
    return {
        "status": page.evaluate("archplay.live.run.status"),
        "availability": results.get("availability"),
        "wall_s": wall_s,
        "errors": errors,
        "repeated_ticks": [c["testid"] for c in charts if len(set(c["ticks"])) != len(c["ticks"])],
        "dashes": [c["testid"] for c in charts if "–" in c["legend"] or "--" in c["legend"]],
        "empty_lines": {c["testid"]: c["empty"] for c in charts if c["empty"]},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running archplay (default: start one)")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="the Chromium to drive")
    parser.add_argument("--only", action="append", help="this preset only (may be repeated)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds to wait for one run")
    args = parser.parse_args(argv)
    ARTIFACTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="archplay-screenshots-") as workdir:
        stack = None if args.url else own_stack(Path(workdir))
        base_url = (args.url or stack.url).rstrip("/")
        failures = 0
        try:
            ids = args.only or preset_ids(base_url)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
                for preset_id in ids:
                    context = browser.new_context(viewport=VIEWPORT)
                    try:
                        report = run_and_shoot(
                            context.new_page(), base_url, preset_id, int(args.timeout * 1000)
                        )
                    finally:
                        context.close()
                    notes = [
                        f"{key}: {value}"
                        for key, value in report.items()
                        if key not in ("status", "availability", "wall_s") and value
                    ]
                    failures += bool(notes) or report["status"] != "done"
                    availability = report["availability"]
                    print(
                        f"{preset_id}: {report['status']}, availability "
                        f"{'?' if availability is None else f'{availability:.2%}'}, {report['wall_s']:.1f} s"
                        f"{' · ' + '; '.join(notes) if notes else ''} -> test-artifacts/{preset_id}.png",
                        flush=True,
                    )
                browser.close()
        finally:
            if stack is not None:
                stack.stop()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

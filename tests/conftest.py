"""Fixtures shared by the whole suite: the real parts the tests need, started for real.

- `redis_server`: the project's embedded Redis on the suite's private socket (or the one at
  REDIS_URL, left alone), for the whole session.
- `chromium_path`: a Chromium to drive with Playwright; browser tests are skipped with one clear
  line when none is found.
"""

import os
import shutil
from collections.abc import Iterator

import pytest

from playground import launcher, runtime

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
NO_CHROMIUM = (
    "browser tests need a Chromium: install one (Debian: apt-get install -y chromium) "
    "or point CHROMIUM_PATH at its executable"
)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    if not runtime.uses_embedded_redis():
        yield runtime.redis_url()
        return
    process = launcher.start_redis(env=launcher.child_env())
    try:
        yield runtime.redis_url()
    finally:
        process.stop()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured and os.access(configured, os.X_OK):
        return configured
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip(NO_CHROMIUM)


DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server", "live_app"}


def pytest_collection_modifyitems(config, items):
    """Marks every test that touches the database as `db`, so .ci/run can run exactly those again
    against PostgreSQL (`pytest -m db`)."""
    for item in items:
        if item.get_closest_marker("django_db") or DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


def pytest_terminal_summary(terminalreporter):
    """One line per reason for skipped tests (pytest's own summary repeats it for every test): on a
    machine without Chromium, one line says how many browser tests did not run and how to enable them."""
    reasons: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        reasons[reason] = reasons.get(reason, 0) + 1
    for reason, count in reasons.items():
        terminalreporter.write_line(f"{count} skipped: {reason}", yellow=True, bold=True)

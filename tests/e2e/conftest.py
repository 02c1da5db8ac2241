"""The real application for end-to-end tests: a Celery worker and Daphne as separate processes,
started by the same launcher functions `make run` uses, on the suite's embedded Redis and its test
database (so what the test process writes, they read)."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import connection

from playground import launcher
from playground.api_client import ApiClient
from tests.e2e.editor_helpers import VIEWPORT, chromium


def database_url(settings_dict: dict) -> str:
    """The DATABASE_URL of the (test) database this process uses, for child processes."""
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    if engine.endswith("postgresql"):
        user = settings_dict.get("USER") or ""
        password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
        auth = f"{user}{password}@" if user else ""
        port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
        return f"postgres://{auth}{settings_dict.get('HOST') or 'localhost'}{port}/{settings_dict['NAME']}"
    raise RuntimeError(f"end-to-end tests do not know how to share a {engine} database")


@dataclass
class LiveApp:
    stack: launcher.Stack

    @property
    def http_url(self) -> str:
        return self.stack.url.rstrip("/")

    @property
    def ws_url(self) -> str:
        return self.http_url.replace("http://", "ws://", 1)

    def session(self) -> ApiClient:
        return ApiClient(self.http_url)


@pytest.fixture(scope="session")
def live_app(redis_server: str, django_db_setup, django_db_blocker) -> Iterator[LiveApp]:
    with django_db_blocker.unblock():
        env = {"DATABASE_URL": database_url(connection.settings_dict)}
    stack = launcher.Stack(host="127.0.0.1", port=launcher.free_port(), env=env, with_redis=False)
    stack.start()
    try:
        yield LiveApp(stack)
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def browser(chromium_path: str):
    """One headless Chromium per test module; each test opens its own contexts in it."""
    with chromium(chromium_path) as browser:
        yield browser


@pytest.fixture
def contexts(browser):
    """New browser contexts (separate people: separate cookies and storage), closed at the end."""
    opened = []

    def new_context():
        context = browser.new_context(viewport=VIEWPORT)
        opened.append(context)
        return context

    yield new_context
    for context in opened:
        context.close()

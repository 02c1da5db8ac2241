"""The real application for end-to-end tests: a Celery worker and Daphne as separate processes,
started by the same launcher functions `make run` uses, on the suite's embedded Redis and its test
database (so what the test process writes, they read)."""

import http.cookiejar
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import connection

from playground import launcher


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


class HttpSession:
    """A tiny HTTP client with cookies and Django's CSRF header, as a browser would send them."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, method: str, path: str, body: object = None) -> tuple[int, dict]:
        headers = {"Accept": "application/json", "Origin": self.base_url}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        token = next((c.value for c in self.cookies if c.name == "csrftoken"), None)
        if token:
            headers["X-CSRFToken"] = token
        req = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(req, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def get(self, path: str) -> tuple[int, dict]:
        return self.request("GET", path)

    def post(self, path: str, body: object) -> tuple[int, dict]:
        if not any(c.name == "csrftoken" for c in self.cookies):
            self.get("/api/csrf")
        return self.request("POST", path, body)


@dataclass
class LiveApp:
    stack: launcher.Stack

    @property
    def http_url(self) -> str:
        return self.stack.url.rstrip("/")

    @property
    def ws_url(self) -> str:
        return self.http_url.replace("http://", "ws://", 1)

    def session(self) -> HttpSession:
        return HttpSession(self.http_url)


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

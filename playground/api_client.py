"""A minimal client of archplay's HTTP API for scripts and end-to-end tests, standard library only.

It behaves as the browser does: it keeps the session cookie (which owns what it creates) and sends
Django's CSRF token with unsafe methods, fetching it from `GET /api/csrf` first when needed.

    >>> client = ApiClient("http://127.0.0.1:8000")                     # doctest: +SKIP
    >>> status, body = client.post("/api/runs", {"document": document})  # doctest: +SKIP
"""

import http.cookiejar
import json
import urllib.error
import urllib.request


class ApiClient:
    def __init__(self, base_url: str, *, timeout_s: float = 30):
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)

    def cookie_header(self) -> str:
        """The session's cookies as a `Cookie` header, for a websocket opened on its behalf."""
        return "; ".join(f"{c.name}={c.value}" for c in self.cookies)

    def request(self, method: str, path: str, body: object = None) -> tuple[int, object]:
        """Sends one request; answers (status, decoded JSON body), 4xx and 5xx included."""
        headers = {"Accept": "application/json", "Origin": self.base_url}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if method not in ("GET", "HEAD", "OPTIONS"):
            if self.cookie("csrftoken") is None:
                self.request("GET", "/api/csrf")
            headers["X-CSRFToken"] = self.cookie("csrftoken") or ""
        req = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(req, timeout=self.timeout_s) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def get(self, path: str) -> tuple[int, object]:
        return self.request("GET", path)

    def post(self, path: str, body: object = None) -> tuple[int, object]:
        return self.request("POST", path, {} if body is None else body)

    def put(self, path: str, body: object) -> tuple[int, object]:
        return self.request("PUT", path, body)

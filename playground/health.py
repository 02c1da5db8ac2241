"""`/healthz`: is each real part of the application up? Database, Redis, Celery workers.

Each check is a plain function returning a small dict, so tests and the launcher can call them
directly; the view only assembles them. The answer is 200 when every part is up, 503 otherwise.
"""

import time

import redis
from celery import Celery
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from playground import runtime
from playground.celery import app as celery_app


def check_database() -> dict:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any driver error means "down"; say which
        return {"up": False, "vendor": connection.vendor, "error": str(error)[:200]}
    return {"up": True, "vendor": connection.vendor, "ms": round((time.perf_counter() - started) * 1000, 1)}


def check_redis() -> dict:
    started = time.perf_counter()
    embedded = runtime.uses_embedded_redis()
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
        try:
            client.ping()
        finally:
            client.close()
    except redis.RedisError as error:
        return {"up": False, "embedded": embedded, "error": str(error)[:200]}
    return {"up": True, "embedded": embedded, "ms": round((time.perf_counter() - started) * 1000, 1)}


def check_workers(timeout_s: float = 1.0, app: Celery = celery_app) -> dict:
    try:
        replies = app.control.ping(timeout=timeout_s)
    except Exception as error:  # broker unreachable: kombu raises several kinds
        return {"up": False, "count": 0, "names": [], "error": str(error)[:200]}
    names = sorted(name for reply in replies for name in reply)
    return {"up": bool(names), "count": len(names), "names": names}


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    parts = {"database": check_database(), "redis": check_redis()}
    parts["workers"] = check_workers() if parts["redis"]["up"] else {"up": False, "count": 0, "names": []}
    healthy = all(part["up"] for part in parts.values())
    return JsonResponse({"status": "ok" if healthy else "degraded", **parts}, status=200 if healthy else 503)

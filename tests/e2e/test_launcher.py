"""`make run`'s launcher: starts every part, serves, and leaves nothing behind when stopped,
whether by SIGTERM or by being killed outright."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import psutil
import pytest

from playground import launcher, runtime

pytestmark = pytest.mark.e2e


def _start(run_dir, port: int) -> tuple[subprocess.Popen, list[str]]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(ARCHPLAY_RUN_DIR=str(run_dir), DATABASE_URL=f"sqlite:///{run_dir / 'db.sqlite3'}")
    process = subprocess.Popen(
        [sys.executable, "-m", "playground.launcher", "--port", str(port), "--concurrency", "1"],
        cwd=runtime.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    deadline = time.monotonic() + 90
    for line in process.stdout:
        lines.append(line)
        if "archplay is running at" in line:
            return process, lines
        if time.monotonic() > deadline:
            break
    process.kill()
    raise AssertionError("the launcher did not start:\n" + "".join(lines[-30:]))


def _healthz(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
        return json.loads(response.read())


def _descendants(pid: int) -> list[psutil.Process]:
    return psutil.Process(pid).children(recursive=True)


def _all_gone(processes: list[psutil.Process], timeout_s: float = 20) -> list[psutil.Process]:
    _, alive = psutil.wait_procs(processes, timeout=timeout_s)
    return alive


def test_it_starts_redis_a_worker_and_daphne_and_sigterm_stops_every_one(tmp_path):
    port = launcher.free_port()
    process, lines = _start(tmp_path, port)
    try:
        started = _descendants(process.pid)
        names = " ".join(" ".join(p.cmdline()) for p in started)
        assert "redis-server" in names and "celery" in names and "daphne" in names
        health = _healthz(port)
        assert health["status"] == "ok", health
        assert health["redis"]["embedded"] is True
        assert f"http://127.0.0.1:{port}/" in lines[-1]
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=60)[0]
    assert process.returncode == 0, output
    assert "archplay: stopped." in output
    assert _all_gone(started) == []
    assert not (tmp_path / "redis.sock").exists() or not launcher._redis_answers(tmp_path / "redis.sock")


def test_a_killed_launcher_takes_its_processes_with_it_and_the_next_start_is_not_blocked(tmp_path):
    port = launcher.free_port()
    process, _ = _start(tmp_path, port)
    started = _descendants(process.pid)
    process.kill()  # no chance to clean up: the children must notice on their own
    process.wait()
    process.stdout.close()
    assert _all_gone(started) == [], "orphans left behind"

    again, _ = _start(tmp_path, port)  # same run folder: a stale socket must not block it
    try:
        assert _healthz(port)["status"] == "ok"
    finally:
        again.send_signal(signal.SIGTERM)
        again.communicate(timeout=60)
    assert again.returncode == 0

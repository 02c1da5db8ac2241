"""Settings come from the environment, refuse values they cannot use, and harden in production."""

import json
import os
import re
import secrets
import subprocess
import sys

import pytest

from playground import runtime
from playground.env import EnvError, env_bool, env_int, env_list


def test_env_bool_reads_the_usual_spellings(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    assert env_bool("FLAG", False) is True
    monkeypatch.setenv("FLAG", "0")
    assert env_bool("FLAG", True) is False
    monkeypatch.delenv("FLAG")
    assert env_bool("FLAG", True) is True


def test_env_bool_refuses_a_value_that_is_not_a_boolean_and_names_the_variable(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(EnvError, match="DEBUG='maybe'"):
        env_bool("DEBUG", True)


def test_env_int_refuses_text_and_values_below_the_minimum(monkeypatch):
    monkeypatch.setenv("LIMIT", "ten")
    with pytest.raises(EnvError, match="LIMIT='ten' is not an integer"):
        env_int("LIMIT", 1)
    monkeypatch.setenv("LIMIT", "-3")
    with pytest.raises(EnvError, match="below the minimum of 0"):
        env_int("LIMIT", 1, minimum=0)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "a.example, b.example,,")
    assert env_list("ALLOWED_HOSTS", []) == ["a.example", "b.example"]


def test_redis_is_the_embedded_socket_unless_redis_url_is_set(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert runtime.redis_url() == f"unix://{runtime.embedded_redis_socket()}"
    assert runtime.celery_broker_url(runtime.redis_url()).startswith("redis+socket:///")
    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6379/2")
    assert runtime.redis_url() == "redis://cache.internal:6379/2"
    assert runtime.celery_broker_url(runtime.redis_url()) == "redis://cache.internal:6379/2"


def test_a_deep_run_folder_still_gets_a_unix_socket_path_that_fits(monkeypatch, tmp_path):
    deep = tmp_path / ("x" * 120)
    monkeypatch.setenv("ARCHPLAY_RUN_DIR", str(deep))
    assert len(str(runtime.embedded_redis_socket())) <= 100


def _manage(args: list[str], **env: str) -> subprocess.CompletedProcess:
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=runtime.BASE_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_mode_passes_the_deployment_checks():
    result = _manage(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="archplay.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_without_a_secret_key_stops_with_a_clear_message():
    result = _manage(["check"], DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is false" in result.stderr


def test_production_static_files_get_hashed_names_and_module_imports_follow_them(tmp_path):
    result = _manage(
        ["collectstatic", "--noinput", "-v", "0"],
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="archplay.example",
        STATIC_ROOT=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    main = (tmp_path / manifest["js/editor/main.js"]).read_text()
    imports = re.findall(r'from\s+"(\./[^"]+)"', main)
    assert imports, "the editor's entry module imports its siblings"
    assert all(re.search(r"\.[0-9a-f]{12}\.js$", name) for name in imports), imports
    assert (tmp_path / (manifest["css/app.css"] + ".gz")).exists()

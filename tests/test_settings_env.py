"""Settings come from the environment and are secure by default."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "SECRET_KEY": "a-real-production-secret-9f8e7d6c5b4a3210-zyxwvutsrqponmlkjihgfedcba",
    "ALLOWED_HOSTS": "news.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # A clean environment: the test process itself carries development values.
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True
    )


def test_app_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = run_manage("check", env={"DATABASE_URL": PRODUCTION_ENV["DATABASE_URL"]})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_asked_for():
    probe = "from django.conf import settings; print(settings.DEBUG, settings.ALLOWED_HOSTS)"
    assert (
        run_manage("shell", "-v", "0", "-c", probe, env=PRODUCTION_ENV).stdout.strip()
        == "False ['news.example.org']"
    )
    dev = run_manage(
        "shell", "-v", "0", "-c", probe, env={"DEBUG": "1", "DATABASE_URL": PRODUCTION_ENV["DATABASE_URL"]}
    )
    assert dev.stdout.strip() == "True ['localhost', '127.0.0.1', '[::1]']"


def test_production_settings_pass_the_deploy_checklist_with_no_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout

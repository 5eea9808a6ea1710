"""Start-up configuration: keys, production checks."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.keys import load_keys

ROOT = Path(__file__).resolve().parents[3]
KEY = base64.b64encode(b"k" * 32).decode()
OTHER = base64.b64encode(b"h" * 32).decode()


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GONGHUI_", "DJANGO_"))}
    return env | extra


def test_keys_generated_once_in_debug(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for name in ("GONGHUI_SECRET_KEY", "GONGHUI_PII_KEY", "GONGHUI_PII_HASH_KEY"):
        monkeypatch.delenv(name, raising=False)
    first = load_keys(tmp_path, generate=True)
    assert load_keys(tmp_path, generate=True) == first
    assert (tmp_path / "keys.json").stat().st_mode & 0o077 == 0


def test_missing_or_malformed_key_stops_without_debug(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for name in ("GONGHUI_SECRET_KEY", "GONGHUI_PII_KEY", "GONGHUI_PII_HASH_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ImproperlyConfigured, match="GONGHUI_PII_KEY"):
        load_keys(tmp_path, generate=False)
    monkeypatch.setenv("GONGHUI_SECRET_KEY", "x" * 60)
    monkeypatch.setenv("GONGHUI_PII_KEY", "not-base64")
    monkeypatch.setenv("GONGHUI_PII_HASH_KEY", OTHER)
    with pytest.raises(ImproperlyConfigured, match="GONGHUI_PII_KEY must be 32 random bytes"):
        load_keys(tmp_path, generate=False)


def test_production_settings_pass_check_deploy(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = _env(
        GONGHUI_DEBUG="0",
        GONGHUI_SECRET_KEY="s" * 20 + "Q9!x" * 10,
        GONGHUI_PII_KEY=KEY,
        GONGHUI_PII_HASH_KEY=OTHER,
        GONGHUI_ALLOWED_HOSTS="gonghui.example.org",
        GONGHUI_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_start_without_keys_fails_clearly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = _env(
        GONGHUI_DEBUG="0", GONGHUI_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "Missing required key(s): GONGHUI_SECRET_KEY" in result.stderr

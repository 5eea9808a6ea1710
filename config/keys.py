"""Secret keys of the platform: Django's secret key and the two personal-data keys.

The keys come from the environment. On the embedded default (debug on) any missing key is
generated once into ``var/keys.json`` (git-ignored, mode 0600), so one command runs a laptop copy.
With debug off a missing or malformed key stops start-up with a message that says which one and
how to make it: losing the personal-data key would make every stored ID and phone unreadable,
so it is never invented silently in production.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

MIN_SECRET_KEY_LENGTH = 50
PII_KEY_BYTES = 32


@dataclass(frozen=True)
class Keys:
    secret_key: str
    pii_key: bytes
    pii_hash_key: bytes


def _new_values() -> dict[str, str]:
    return {
        "GONGHUI_SECRET_KEY": secrets.token_urlsafe(64),
        "GONGHUI_PII_KEY": base64.b64encode(secrets.token_bytes(PII_KEY_BYTES)).decode(),
        "GONGHUI_PII_HASH_KEY": base64.b64encode(secrets.token_bytes(PII_KEY_BYTES)).decode(),
    }


def _generated(var_dir: Path) -> dict[str, str]:
    path = var_dir / "keys.json"
    if path.exists():
        return json.loads(path.read_text())
    values = _new_values()
    var_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(values, handle, indent=2)
    return values


def _decode_key(name: str, value: str) -> bytes:
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != PII_KEY_BYTES:
        raise ImproperlyConfigured(
            f"{name} must be {PII_KEY_BYTES} random bytes in base64 (44 characters). "
            'Make one with: python -c "import base64,secrets;'
            'print(base64.b64encode(secrets.token_bytes(32)).decode())"'
        )
    return raw


def load_keys(var_dir: Path, *, generate: bool) -> Keys:
    """Read the keys from the environment; fill gaps from var/ only when ``generate`` is set."""
    names = ("GONGHUI_SECRET_KEY", "GONGHUI_PII_KEY", "GONGHUI_PII_HASH_KEY")
    values = {name: os.environ.get(name, "") for name in names}
    if generate and not all(values.values()):
        stored = _generated(var_dir)
        values = {name: values[name] or stored[name] for name in names}
    missing = [name for name in names if not values[name]]
    if missing:
        raise ImproperlyConfigured(
            "Missing required key(s): " + ", ".join(missing) + ". Set them in the environment "
            "(see docs/operations.md) or run with GONGHUI_DEBUG=1 for a local copy."
        )
    if len(values["GONGHUI_SECRET_KEY"]) < MIN_SECRET_KEY_LENGTH:
        raise ImproperlyConfigured(
            f"GONGHUI_SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters long."
        )
    pii_key = _decode_key("GONGHUI_PII_KEY", values["GONGHUI_PII_KEY"])
    hash_key = _decode_key("GONGHUI_PII_HASH_KEY", values["GONGHUI_PII_HASH_KEY"])
    if pii_key == hash_key:
        raise ImproperlyConfigured("GONGHUI_PII_KEY and GONGHUI_PII_HASH_KEY must differ.")
    return Keys(values["GONGHUI_SECRET_KEY"], pii_key, hash_key)

"""Translations: code speaks English, every catalogue gives complete Simplified Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = sorted(ROOT.glob("gonghui/**/locale/zh_Hans/LC_MESSAGES/django.po"))
CJK = re.compile(r"[\u3400-\u9fff]")
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
# The message of a gettext call or translate tag (English text may quote Chinese examples).
PY_CALL = re.compile(r'\b(?:_|gettext|gettext_lazy|ngettext|pgettext)\(\s*"((?:[^"\\]|\\.)*)"')
TEMPLATE_TAG = re.compile(r'{%\s*(?:translate|trans)\s+"([^"]*)"')
BLOCK_TAG = re.compile(r"{%\s*blocktrans(?:late)?\b[^%]*%}((?:(?!{%).)*)", re.S)


def _chinese_message(message: str) -> bool:
    return bool(CJK.search(message)) and not ENGLISH_WORD.search(
        re.sub(r"{{[^}]*}}|%\(\w+\)\w", "", message)
    )


def test_there_are_catalogues() -> None:
    assert CATALOGUES, "no zh_Hans catalogue found"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_complete(path: Path) -> None:
    catalogue = polib.pofile(str(path))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated[:5]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:5]}"


def _sources(pattern: str) -> list[Path]:
    return [
        p for p in ROOT.glob(pattern) if "/tests/" not in str(p) and "/migrations/" not in str(p)
    ]


def test_messages_in_code_are_english() -> None:
    offenders = []
    for path in [*_sources("gonghui/**/*.py"), ROOT / "config" / "settings.py"]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if any(_chinese_message(m) for m in PY_CALL.findall(line)):
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    for path in _sources("gonghui/**/templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        messages = TEMPLATE_TAG.findall(text) + BLOCK_TAG.findall(text)
        if any(_chinese_message(m) for m in messages):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, (
        f"Chinese message ids (write English, translate in the catalogue): {offenders}"
    )

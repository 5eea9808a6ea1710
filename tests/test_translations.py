"""Translations: code speaks English, every catalogue gives complete Simplified Chinese."""

from __future__ import annotations

import ast
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


_GETTEXT = {"_", "gettext", "gettext_lazy", "_lazy", "gettext_noop"}
_TEMPLATE_MESSAGE = re.compile(r'{%\s*(?:translate|trans)\s+"([^"]*)"(?![^%]*\bnoop\b)')


def _python_messages(path: Path) -> set[str]:
    """The literal messages of gettext calls in a module (implicit concatenation resolved)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in _GETTEXT
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return found


def test_every_message_is_in_a_catalogue() -> None:
    """A message missing from every catalogue would show in English: each gettext call and
    translate tag of the code finds its msgid in one of the project's catalogues."""
    known = {entry.msgid for path in CATALOGUES for entry in polib.pofile(str(path))}
    missing = []
    for path in [*_sources("gonghui/**/*.py"), ROOT / "config" / "settings.py"]:
        missing += [f"{path.relative_to(ROOT)}: {m!r}" for m in _python_messages(path) - known]
    for path in _sources("gonghui/**/templates/**/*.html"):
        messages = set(_TEMPLATE_MESSAGE.findall(path.read_text(encoding="utf-8")))
        # makemessages writes a template message's "%" as "%%" (python-format).
        missing += [
            f"{path.relative_to(ROOT)}: {m!r}"
            for m in messages
            if m not in known and m.replace("%", "%%") not in known
        ]
    assert not missing, f"not in any catalogue: {missing}"

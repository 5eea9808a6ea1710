"""manage.py compilemessages_py — compile every .po catalogue to .mo without GNU gettext.

Used by ``make install`` so that a fresh machine needs no system gettext tools.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def catalogue_files() -> list[Path]:
    roots = [Path(p) for p in settings.LOCALE_PATHS] + [settings.BASE_DIR / "gonghui"]
    found = {po for root in roots if root.exists() for po in root.rglob("LC_MESSAGES/*.po")}
    return sorted(found)


class Command(BaseCommand):
    help = "Compile .po files to .mo with polib."
    requires_system_checks: list[str] = []

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        for po_path in catalogue_files():
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            self.stdout.write(f"compiled {po_path.relative_to(settings.BASE_DIR)}")

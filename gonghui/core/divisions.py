"""Loading GB/T 2260 divisions from a CSV file (code,name,level,parent).

The platform ships Ningxia (``data/divisions-640000.csv``, loaded by a data migration); another
province is one file and ``manage.py load_divisions FILE``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

DEFAULT_FILE = Path(__file__).parent / "data" / "divisions-640000.csv"
LEVELS = ("province", "city", "county")


def parse_divisions(text: str) -> list[dict[str, str]]:
    """Parse and check every row; raise one ValidationError listing each bad row."""
    rows: list[dict[str, str]] = []
    errors: list[str] = []
    codes: set[str] = set()
    for number, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        code = (row.get("code") or "").strip()
        name = (row.get("name") or "").strip()
        level = (row.get("level") or "").strip()
        parent = (row.get("parent") or "").strip()
        if len(code) != 6 or not code.isdigit():
            errors.append(_("Row %(row)d: the division code must be 6 digits.") % {"row": number})
        elif not name:
            errors.append(_("Row %(row)d: the name must not be empty.") % {"row": number})
        elif level not in LEVELS:
            errors.append(
                _("Row %(row)d: the level must be province, city or county.") % {"row": number}
            )
        elif parent and parent not in codes:
            errors.append(
                _("Row %(row)d: the parent division %(parent)s must appear before this row.")
                % {"row": number, "parent": parent}
            )
        else:
            codes.add(code)
            rows.append({"code": code, "name": name, "level": level, "parent": parent})
    if errors:
        raise ValidationError(errors)
    return rows


def load_divisions(division_model: Any, text: str) -> int:
    """Insert or update the divisions of ``text``; all rows or none."""
    rows = parse_divisions(text)
    with transaction.atomic():
        for row in rows:
            division_model.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "level": row["level"],
                    "parent_id": row["parent"] or None,
                },
            )
    return len(rows)

"""manage.py appeals_classify FILE.jsonl — one {"id","category","confidence"} line per input line.

Input lines are ``{"id": ..., "text": ...}``. A line that is not valid JSON or has no text gets
``{"id": ..., "error": "..."}`` so the output stays line-aligned with the input.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from gonghui.appeals.classify import default_model


class Command(BaseCommand):
    help = "Suggest the subject of each appeal text of a JSON-lines file ('-' reads stdin)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("file")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        model = default_model()
        try:
            stream = (
                sys.stdin if options["file"] == "-" else open(options["file"], encoding="utf-8")  # noqa: SIM115
            )
        except OSError as error:
            raise CommandError(f"cannot read {options['file']}: {error}") from error
        with stream:
            for number, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                self.stdout.write(json.dumps(self._one(model, line, number), ensure_ascii=False))

    @staticmethod
    def _one(model, line: str, number: int) -> dict:  # type: ignore[no-untyped-def]
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            return {"id": None, "error": f"第{number}行不是有效的JSON"}
        if not isinstance(row, dict):
            return {"id": None, "error": f"第{number}行不是JSON对象"}
        try:
            prediction = model.predict(str(row.get("text") or ""))
        except ValueError as error:
            return {"id": row.get("id"), "error": str(error)}
        return {
            "id": row.get("id"),
            "category": prediction.category,
            "confidence": round(float(prediction.confidence), 4),
        }

"""manage.py load_divisions FILE.csv — load a province's GB/T 2260 divisions."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from gonghui.core.divisions import load_divisions
from gonghui.core.models import Division


class Command(BaseCommand):
    help = "Load administrative divisions (code,name,level,parent) from a CSV file."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("file", type=Path)

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        try:
            count = load_divisions(Division, options["file"].read_text(encoding="utf-8-sig"))
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from None
        except OSError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{count} divisions loaded")

"""manage.py demo_accounts — print the demo accounts and their password."""

from django.core.management.base import BaseCommand

from gonghui.accounts.models import User
from gonghui.accounts.seed import DEMO_ACCOUNTS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo accounts of seed_demo."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        existing = set(User.objects.values_list("username", flat=True))
        self.stdout.write(f"Demo accounts (password {DEMO_PASSWORD}):")
        for username, full_name, role, where in [
            ("admin", "平台管理员", "superuser", None),
            *DEMO_ACCOUNTS,
        ]:
            if username in existing:
                place = where[1] if where else ""
                self.stdout.write(f"  {username:<11} {full_name}  {role or 'worker'} {place}")

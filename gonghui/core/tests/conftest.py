"""PostgreSQL-only behaviour lives in *_postgresql.py modules, collected on PostgreSQL only."""

from django.conf import settings

collect_ignore_glob = (
    [] if "postgresql" in settings.DATABASES["default"]["ENGINE"] else ["*_postgresql.py"]
)

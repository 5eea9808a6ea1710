"""Fixtures shared by every app's tests."""

from __future__ import annotations

import pytest
from django.conf import settings

from gonghui.core import workdays
from gonghui.testing import Cast, build_cast

# PostgreSQL-only behaviour lives in *_postgresql.py modules, collected on PostgreSQL only.
collect_ignore_glob = (
    [] if "postgresql" in settings.DATABASES["default"]["ENGINE"] else ["*_postgresql.py"]
)


@pytest.fixture
def cast(db) -> Cast:  # type: ignore[no-untyped-def]
    """The shared cast: a small organisation tree and one persona per role (gonghui.testing)."""
    return build_cast()


@pytest.fixture(autouse=True)
def _fresh_caches():  # type: ignore[no-untyped-def]
    """Caches that outlive a test's transaction must not leak between tests."""
    from django.core.cache import cache
    from django.utils import translation

    translation.activate("zh-hans")
    workdays.clear_cache()
    cache.clear()
    yield
    workdays.clear_cache()

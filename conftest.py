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


# A plain hook: pytest calls it after tests/e2e/conftest.py's (registered later) has marked the
# browser tests, and before its own -m selection (registered first).
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that commits (``django_db(transaction=True)``) as ``committed``.

    Such a test empties the database when it ends. `make test` runs them in a pytest run of
    their own (``-m committed``), after the others: the parallel run hands whole files to its
    workers in no fixed order, so a test after them on the same worker would find the
    migrations' reference data (divisions, subjects, station kinds) gone.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None and marker.kwargs.get("transaction"):
            item.add_marker(pytest.mark.committed)


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

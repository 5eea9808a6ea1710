"""The shared fixed-window counter."""

from django.core.cache import cache

from gonghui.core.ratelimit import hit


def test_hit_counts_within_the_window_and_restarts_after() -> None:
    assert [hit("t:key", 60) for _ in range(3)] == [1, 2, 3]
    assert hit("t:other", 60) == 1
    cache.delete("t:key")  # the window ended
    assert hit("t:key", 60) == 1

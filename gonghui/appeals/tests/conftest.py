"""Fixtures of the appeals tests: an appeal factory going through the intake service."""

from __future__ import annotations

from typing import Any

import pytest

from gonghui.appeals import services
from gonghui.appeals.choices import Channel

FACTS = "公司拖欠我们三个月工资，一共一万二千元，老板一直推脱不给。"


def intake_data(**extra: Any) -> dict[str, Any]:
    data = {
        "caller_name": "王晓东",
        "phone": "13912345678",
        "division": "640104",
        "facts": FACTS,
        "demand": "请工会帮忙追讨欠薪",
        "request_type": "complaint",
        "complexity": "ordinary",
    }
    data.update(extra)
    return data


@pytest.fixture
def make_appeal(cast):  # type: ignore[no-untyped-def]
    def make(actor: Any = None, channel: str = Channel.PHONE, **extra: Any):  # type: ignore[no-untyped-def]
        answer = extra.pop("answer", "")
        key = extra.pop("idempotency_key", None)
        return services.appeal_intake(
            actor=actor or cast.hotline,
            channel=channel,
            data=intake_data(**extra),
            idempotency_key=key,
            answer=answer,
        )

    return make


@pytest.fixture
def at_county(cast, make_appeal):  # type: ignore[no-untyped-def]
    """An appeal dispatched by the hotline to the 兴庆区 federation."""
    appeal = make_appeal()
    return services.appeal_dispatch(actor=cast.hotline, appeal=appeal, organisation=cast.xingqing)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Uploaded attachments go to a throw-away folder, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_reference_cache():  # type: ignore[no-untyped-def]
    """Cached subjects and organisations must not outlive the test database they came from."""
    services.clear_reference_cache()
    services.forget_classifier()
    services.forget_case_numbers()
    yield
    services.clear_reference_cache()
    services.forget_classifier()

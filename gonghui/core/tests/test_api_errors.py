"""The words of the API's errors: pydantic's error types in Chinese naming the field, the
service's code kept, messages joined without doubled punctuation."""

from __future__ import annotations

import datetime
import decimal
import enum
from typing import Any, Literal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from pydantic import BaseModel, Field, Json, field_validator
from pydantic import ValidationError as PydanticError

from gonghui.core.api_errors import (
    join_messages,
    schema_error_location,
    schema_error_message,
    validation_code,
)


class Kind(enum.Enum):
    COURIER = "courier"
    RIDER = "rider"


class Item(BaseModel):
    sku: str


class Payload(BaseModel):
    name: str = Field(min_length=2, max_length=4)
    count: int = 0
    urgent: bool = False
    day: datetime.date | None = None
    amount: decimal.Decimal = Field(default=decimal.Decimal(0), max_digits=5, decimal_places=2)
    kind: Kind = Kind.COURIER
    mode: Literal["check", "apply"] = "check"
    extra: Json[Any] = None
    items: list[Item] = []
    phone: str = ""

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        if value and not value.isdigit():
            raise ValueError("手机号只能包含数字")
        return value


def _errors(**data: Any) -> list[dict[str, Any]]:
    """The errors as django-ninja hands them on: the source in front of the location."""
    with pytest.raises(PydanticError) as caught:
        Payload(**data)
    return [
        {**item, "loc": ("body", "payload", *item["loc"])}
        for item in caught.value.errors(include_url=False)
    ]


def _messages(**data: Any) -> dict[str, str]:
    with translation.override("zh-hans"):
        return {schema_error_location(e): schema_error_message(e) for e in _errors(**data)}


def test_common_pydantic_errors_in_chinese_naming_the_field() -> None:
    assert _messages() == {"name": "name：此项必填。"}
    assert _messages(name="a")["name"] == "name：至少 2 个字符。"
    assert _messages(name="abcde")["name"] == "name：最多 4 个字符。"
    assert _messages(name=5)["name"] == "name：应为文本。"
    found = _messages(
        name="ab",
        count="x",
        urgent="maybe",
        day="2025-02-30",
        amount="1234.5",
        kind="pilot",
        mode="x",
        extra="{bad",
        items=[{"sku": "a"}, {}],
        phone="1a",
    )
    assert found == {
        "count": "count：应为整数。",
        "urgent": "urgent：应为 true 或 false。",
        "day": "day：应为日期，格式为 YYYY-MM-DD。",
        "amount": "amount：小数点前最多 3 位。",
        "kind": "kind：应为以下取值之一：courier、rider。",
        "mode": "mode：应为以下取值之一：check、apply。",
        "extra": "extra：不是有效的 JSON。",
        "items.1.sku": "items.1.sku：此项必填。",
        "phone": "phone：手机号只能包含数字",
    }
    assert _messages(name="ab", amount="x")["amount"] == "amount：应为数字（可含小数）。"
    assert _messages(name="ab", amount="1.234")["amount"] == "amount：小数点后最多 2 位。"
    assert _messages(name="ab", amount="12345.6")["amount"] == "amount：总共最多 5 位数字。"


def test_unknown_error_types_keep_pydantics_words_and_a_whole_body_error_says_request() -> None:
    item = {"type": "something_new", "loc": ("body", "payload"), "msg": "Input is odd"}
    with translation.override("zh-hans"):
        assert schema_error_location(item) == "request"
        assert schema_error_message(item) == "请求：Input is odd"
    with translation.override("en"):
        assert schema_error_message(item) == "request: Input is odd"


def test_location_drops_only_the_source_and_the_body_parameter() -> None:
    assert schema_error_location({"loc": ("body", "payload", "items", 0, "path")}) == "items.0.path"
    assert schema_error_location({"loc": ("file", "file")}) == "file"
    assert schema_error_location({"loc": ("query", "page")}) == "page"


def test_a_changed_context_falls_back_instead_of_failing() -> None:
    item = {"type": "string_too_long", "loc": ("query", "q"), "msg": "String too long", "ctx": {}}
    with translation.override("zh-hans"):
        assert schema_error_message(item) == "q：String too long"


def test_validation_code_is_the_services_own() -> None:
    assert validation_code(ValidationError("x", code="file_empty")) == "file_empty"
    assert validation_code(ValidationError("x")) == "invalid"
    nested = ValidationError({"id_number": ValidationError("x", code="already_member")})
    assert validation_code(nested) == "already_member"
    mixed = ValidationError(
        {"a": ValidationError("x", code="one"), "b": ValidationError("y", code="two")}
    )
    assert validation_code(mixed) == "invalid"
    # Django drops the code of a dict given directly: nothing left to keep.
    assert validation_code(ValidationError({"id_number": "x"}, code="lost")) == "invalid"


def test_join_messages_never_doubles_punctuation() -> None:
    assert join_messages(["请选择职业。", "身份证号不正确。"]) == "请选择职业。身份证号不正确。"
    assert join_messages(["请选择职业", "身份证号不正确"]) == "请选择职业；身份证号不正确"
    assert join_messages(["Choose one.", "Enter a number"]) == "Choose one. Enter a number"
    assert join_messages(["a", "", " b "]) == "a; b"
    assert join_messages([]) == ""

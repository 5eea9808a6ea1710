"""The words of the API's one error shape (``core.api``): Chinese messages for what the framework
refuses before an endpoint runs, the code of a refusal, messages joined into one sentence list.

pydantic and django-ninja speak English ("Field required"); DESIGN §4 wants every refusal in
Chinese naming the field, so their error types are translated here, and what they say about
types we do not know is kept rather than lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# What ninja puts in front of the field's own name: where the value came from (the first part
# of a location), and the name endpoints give their body schema (``payload``, by convention).
_SOURCES = frozenset({"body", "query", "path", "form", "file", "header", "cookie"})
_BODY_PARAMETER = "payload"

# pydantic's error types → a message naming the field; ``ctx`` fills the other placeholders.
_SCHEMA_MESSAGES: dict[str, Promise] = {
    kind: message
    for kinds, message in (
        (("missing",), gettext_lazy("%(field)s: this field is required.")),
        (("string_type",), gettext_lazy("%(field)s: enter text.")),
        (
            ("string_too_short",),
            gettext_lazy("%(field)s: enter at least %(min_length)s characters."),
        ),
        (("string_too_long",), gettext_lazy("%(field)s: enter at most %(max_length)s characters.")),
        (("string_pattern_mismatch",), gettext_lazy("%(field)s: the format is not valid.")),
        (
            ("int_parsing", "int_type", "int_from_float"),
            gettext_lazy("%(field)s: enter a whole number."),
        ),
        (
            ("float_parsing", "float_type", "finite_number"),
            gettext_lazy("%(field)s: enter a number."),
        ),
        (("bool_parsing", "bool_type"), gettext_lazy("%(field)s: enter true or false.")),
        (
            (
                "date_parsing",
                "date_type",
                "date_from_datetime_parsing",
                "date_from_datetime_inexact",
            ),
            gettext_lazy("%(field)s: enter a date as YYYY-MM-DD."),
        ),
        (
            ("datetime_parsing", "datetime_type", "datetime_from_date_parsing"),
            gettext_lazy("%(field)s: enter a date and time as YYYY-MM-DDTHH:MM:SS+08:00."),
        ),
        (("time_parsing", "time_type"), gettext_lazy("%(field)s: enter a time as HH:MM:SS.")),
        (("decimal_parsing", "decimal_type"), gettext_lazy("%(field)s: enter a decimal number.")),
        (
            ("decimal_max_digits",),
            gettext_lazy("%(field)s: enter at most %(max_digits)s digits in all."),
        ),
        (
            ("decimal_max_places",),
            gettext_lazy("%(field)s: enter at most %(decimal_places)s digits after the point."),
        ),
        (
            ("decimal_whole_digits",),
            gettext_lazy("%(field)s: enter at most %(whole_digits)s digits before the point."),
        ),
        (("enum", "literal_error"), gettext_lazy("%(field)s: choose one of %(expected)s.")),
        (("json_invalid", "json_type"), gettext_lazy("%(field)s: this is not valid JSON.")),
        (("value_error", "assertion_error"), gettext_lazy("%(field)s: %(error)s")),
        (("greater_than",), gettext_lazy("%(field)s: enter a value greater than %(gt)s.")),
        (("greater_than_equal",), gettext_lazy("%(field)s: enter %(ge)s or more.")),
        (("less_than",), gettext_lazy("%(field)s: enter a value less than %(lt)s.")),
        (("less_than_equal",), gettext_lazy("%(field)s: enter %(le)s or less.")),
        (("too_short",), gettext_lazy("%(field)s: give at least %(min_length)s items.")),
        (("too_long",), gettext_lazy("%(field)s: give at most %(max_length)s items.")),
        (("list_type", "tuple_type", "set_type"), gettext_lazy("%(field)s: give a list.")),
        (
            ("dict_type", "model_type", "model_attributes_type"),
            gettext_lazy("%(field)s: give an object."),
        ),
        (("extra_forbidden",), gettext_lazy("%(field)s: this field is not accepted.")),
        (("uuid_parsing", "uuid_type"), gettext_lazy("%(field)s: enter a UUID.")),
        (("url_parsing", "url_type", "url_scheme"), gettext_lazy("%(field)s: enter a valid URL.")),
        (("multiple_of",), gettext_lazy("%(field)s: enter a multiple of %(multiple_of)s.")),
        (("date_past",), gettext_lazy("%(field)s: enter a date in the past.")),
        (("date_future",), gettext_lazy("%(field)s: enter a date in the future.")),
    )
    for kind in kinds
}

_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")
_SENTENCE_END = "。！？"


def join_messages(messages: Iterable[str]) -> str:
    """The messages as one text: a message that ends its sentence is followed directly (a
    space in English), others by a semicolon, so there is never "。；" between two."""
    text = ""
    for message in messages:
        message = str(message).strip()
        if not message:
            continue
        if text:
            last = text[-1]
            if last in _SENTENCE_END:
                text += message
            elif last in ".!?":
                text += " " + message
            else:
                text += "; " + message if last.isascii() else "；" + message
        else:
            text = message
    return text


def validation_code(error: ValidationError) -> str:
    """The code the service gave the refusal (``ValidationError(msg, code="already_member")``,
    also inside a dict of fields); "invalid" when it gave none or the fields' codes differ."""
    if hasattr(error, "error_dict"):
        leaves = [leaf for errors in error.error_dict.values() for leaf in errors]
    else:
        leaves = error.error_list
    codes = {str(leaf.code) for leaf in leaves if getattr(leaf, "code", None)}
    return codes.pop() if len(codes) == 1 else "invalid"


def schema_error_location(item: Mapping[str, Any]) -> str:
    """Where in the request the value was wrong: ``items.0.name``; "request" for the whole."""
    parts = [str(part) for part in item.get("loc", ())]
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    if parts and parts[0] == _BODY_PARAMETER:
        parts = parts[1:]
    return ".".join(parts) or "request"


def _choices(expected: str) -> str:
    # pydantic lists the allowed values as "'a', 'b' or 'c'": English words in a Chinese text.
    values = _QUOTED.findall(expected)
    return "、".join(values) if values else expected


def schema_error_message(item: Mapping[str, Any]) -> str:
    """One pydantic error (as django-ninja passes it on) in the user's language, naming the
    field; an error type without a translation keeps pydantic's own words after the field."""
    location = schema_error_location(item)
    field = _("request") if location == "request" else location
    context = dict(item.get("ctx") or {})
    if "expected" in context:
        context["expected"] = _choices(str(context["expected"]))
    template = _SCHEMA_MESSAGES.get(str(item.get("type", "")))
    if template is not None:
        try:
            return str(template) % {**context, "field": field}
        except (KeyError, TypeError, ValueError):  # a context pydantic changed: say it plainly
            pass
    return _("%(field)s: %(error)s") % {"field": field, "error": item.get("msg", "")}


def status_error(status: int, *, method: str = "", allowed: str = "") -> tuple[str, str]:
    """The code and message of an answer no endpoint shaped (an unknown address, a method the
    address does not take, a server error) or of an ``HttpError`` with this status."""
    if status == 400:  # the same code as a ValidationError's: the client must change its input
        return "invalid", _("The request is not valid.")
    if status == 401:
        return "unauthorized", _("Please log in or provide a valid API token.")
    if status == 403:
        return "forbidden", _("You do not have permission to perform this action.")
    if status == 404:
        return "not_found", _("There is no API endpoint at this address.")
    if status == 405:
        return "method_not_allowed", _(
            "This address does not accept %(method)s; it accepts %(allowed)s."
        ) % {"method": method, "allowed": allowed}
    if status == 429:
        return "rate_limited", _("Too many requests; please try again later.")
    if status >= 500:
        return "server_error", _("Something went wrong on the server; please try again later.")
    return "error", _("The request could not be completed.")

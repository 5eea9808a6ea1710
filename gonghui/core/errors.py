"""The platform's business errors, rendered the same way by the console, H5 pages and the API.

Bad input raises Django's ``ValidationError`` (a message per field, in Chinese); the two errors
here cover what is not a field's fault.
"""

from __future__ import annotations


class Conflict(Exception):
    """The record changed under the actor (another handler acted first) or a rule forbids the
    transition now. HTTP 409 in the API; a message on the page in the console."""

    def __init__(self, message: str, *, code: str = "conflict") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class ScopeViolation(Exception):
    """A write would put a record outside the actor's part of the organisation tree.

    Raised inside the service's transaction so the write is rolled back."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

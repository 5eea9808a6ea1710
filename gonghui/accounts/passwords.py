"""Password rule of the platform: at least three of four character classes."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """Staff passwords mix at least three of: lower case, upper case, digits, symbols."""

    min_classes = 3

    def validate(self, password: str, user: object = None) -> None:
        classes = sum(
            [
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() for c in password),
            ]
        )
        if classes < self.min_classes:
            raise ValidationError(
                _(
                    "The password must contain at least three of: upper-case letters, lower-case letters, digits and symbols."
                ),
                code="password_classes",
            )

    def get_help_text(self) -> str:
        return _(
            "The password must contain at least three of: upper-case letters, lower-case letters, digits and symbols."
        )

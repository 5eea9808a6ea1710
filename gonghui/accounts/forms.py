"""Forms of the accounts app: parsing only; the rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from gonghui.accounts.roles import ROLE_CHOICES
from gonghui.orgs.models import Organisation


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Incorrect username or password."),
        "inactive": _("This account has been disabled."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["password"].label = _("Password")
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


class OrganisationChoiceField(forms.ModelChoiceField):
    """Pick an organisation by its code among those the actor may manage."""

    def __init__(self, *, queryset: Any, **kwargs: Any) -> None:
        super().__init__(queryset=queryset, to_field_name="code", **kwargs)
        self.widget.attrs["class"] = "form-select"

    def label_from_instance(self, obj: Organisation) -> str:
        return f"{'　' * obj.depth}{obj.name}"


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"), choices=ROLE_CHOICES, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = OrganisationChoiceField(
            queryset=organisations, label=_("Organisation")
        )


class StaffCreateForm(RoleForm):
    username = forms.RegexField(
        label=_("Username"),
        regex=r"^[A-Za-z0-9_.-]{3,30}$",
        error_messages={
            "invalid": _("A username has 3 to 30 letters, digits or _ . - characters.")
        },
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    full_name = forms.CharField(
        label=_("Full name"), max_length=50, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    password = forms.CharField(
        label=_("Initial password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-control"}),
    )
    field_order = ["username", "full_name", "password", "role", "organisation"]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Purpose"),
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

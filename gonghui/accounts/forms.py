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
        "invalid_login": _("用户名或密码不正确。"),
        "inactive": _("该账号已停用。"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")
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
        label=_("角色"), choices=ROLE_CHOICES, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = OrganisationChoiceField(
            queryset=organisations, label=_("所在组织")
        )


class StaffCreateForm(RoleForm):
    username = forms.RegexField(
        label=_("用户名"),
        regex=r"^[A-Za-z0-9_.-]{3,30}$",
        error_messages={"invalid": _("用户名为3到30位字母、数字或 _ . -。")},
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    full_name = forms.CharField(
        label=_("姓名"), max_length=50, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    password = forms.CharField(
        label=_("初始密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-control"}),
    )
    field_order = ["username", "full_name", "password", "role", "organisation"]

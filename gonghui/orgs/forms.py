"""Forms of the organisation pages: parsing only; rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.accounts.forms import OrganisationChoiceField
from gonghui.core.models import Division
from gonghui.orgs.models import Employer, Organisation
from gonghui.orgs.services import EMPLOYER_FIELDS, ORG_FIELDS


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = list(ORG_FIELDS)
        widgets = {"founded_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = Division.objects.all()
        _style(self)

    def _post_clean(self) -> None:
        # Model-level uniqueness and code rules are checked by the service, in its transaction.
        pass


class MoveForm(forms.Form):
    def __init__(self, *args: Any, targets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_parent"] = OrganisationChoiceField(
            queryset=targets, label=_("New parent union")
        )


class EmployerForm(forms.ModelForm):
    class Meta:
        model = Employer
        fields = list(EMPLOYER_FIELDS)

    def __init__(self, *args: Any, unions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions
        self.fields["union"].required = False
        _style(self)

    def _post_clean(self) -> None:
        pass

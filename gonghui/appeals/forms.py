"""Forms of the hotline console and the H5 pages (parsing only; the services check the rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gonghui.appeals.choices import Complexity, RequestType
from gonghui.appeals.models import Subject
from gonghui.core.models import Division, DivisionLevel


def county_choices() -> list[tuple[str, str]]:
    """The county-level divisions of the deployment's region."""
    prefix = settings.GONGHUI_REGION_CODE[:2]
    return [("", "—")] + [
        (code, name)
        for code, name in Division.objects.filter(
            level=DivisionLevel.COUNTY, code__startswith=prefix
        ).values_list("code", "name")
    ]


def subject_choices(blank: str) -> list[tuple[str, str]]:
    return [("", blank), *Subject.objects.filter(active=True).values_list("code", "name")]


class _AppealFields(forms.Form):
    caller_name = forms.CharField(label=_("Caller's name"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=20)
    division = forms.ChoiceField(label=_("County or district"))
    employer_name = forms.CharField(label=_("Employer"), max_length=150, required=False)
    facts = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}))
    demand = forms.CharField(
        label=_("What you ask for"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    request_type = forms.ChoiceField(label=_("Request type"), choices=RequestType.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["division"].choices = county_choices()
        for name, field in self.fields.items():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            if isinstance(field.widget, forms.CheckboxInput):
                css = "form-check-input"
            field.widget.attrs.setdefault("class", css)
            field.widget.attrs.setdefault("data-testid", f"f-{name}")


class _EmployerFields(forms.Form):
    """The employer of a staff-entered appeal: search the register (``employer`` is the picked
    one's id), or tick ``new_employer`` to register the typed one in passing."""

    employer = forms.IntegerField(widget=forms.HiddenInput, required=False)
    new_employer = forms.BooleanField(label=_("Register as a new employer"), required=False)
    employer_credit_code = forms.CharField(
        label=_("Unified social credit code of the new employer (optional)"),
        max_length=24,
        required=False,
    )
    employer_division = forms.ChoiceField(
        label=_("Division of the new employer"),
        required=False,
        help_text=_("Empty: the county or district chosen above."),
    )
    # Shown only while "register as a new employer" is ticked (appeals/intake.js).
    new_employer_fields = ("employer_credit_code", "employer_division")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer_division"].choices = county_choices()
        self.fields["employer_name"].widget.attrs.update(
            {
                "autocomplete": "off",
                "hx-get": reverse("appeals:employer_search"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#employer-results",
            }
        )
        self.fields["employer_credit_code"].widget.attrs.update({"autocomplete": "off"})

    def employer_choice(self) -> tuple[int | None, dict[str, Any] | None]:
        """(picked employer id, new employer to register) from the cleaned data."""
        data = self.cleaned_data
        if data.get("employer"):
            return data["employer"], None
        if data.get("new_employer"):
            return None, {
                "name": data.get("employer_name", ""),
                "credit_code": data.get("employer_credit_code", ""),
                "division": data.get("employer_division") or data.get("division"),
            }
        return None, None


class IntakeForm(_EmployerFields, _AppealFields):
    """The hotline operator's form, field order made for the keyboard."""

    field_order = [
        "phone",
        "caller_name",
        "id_number",
        "division",
        "employer_name",
        "employer",
        "new_employer",
        "employer_credit_code",
        "employer_division",
        "facts",
        "demand",
        "request_type",
        "subject",
        "complexity",
        "urgent",
        "answer",
        "channel",
    ]
    id_number = forms.CharField(label=_("ID number (optional)"), max_length=20, required=False)
    subject = forms.ChoiceField(label=_("Subject"), required=False)
    complexity = forms.ChoiceField(
        label=_("Complexity"), choices=Complexity.choices, initial=Complexity.ORDINARY
    )
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    answer = forms.CharField(
        label=_("Answer given on the spot (consultations: closes the appeal)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[("phone", _("Hotline call")), ("walk_in", _("Walk-in"))],
        initial="phone",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = subject_choices(str(_("— use the suggestion —")))
        # htmx: the caller's earlier appeals while the number is typed, the suggested subject
        # while the facts are typed.
        self.fields["phone"].widget.attrs.update(
            {
                "autofocus": True,
                "inputmode": "tel",
                "hx-get": reverse("appeals:phone_history"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#history",
            }
        )
        for name in ("facts", "demand"):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": reverse("appeals:suggest"),
                    "hx-trigger": "input changed delay:500ms",
                    "hx-target": "#suggestion",
                    "hx-include": "[name=facts],[name=demand]",
                }
            )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks count, type and size."""

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class WalkInForm(_EmployerFields, _AppealFields):
    """The walk-in desk (来访登记) at a union office or station: the visitor's ID card first (a
    reader types the number like a keyboard), the receiving union and station, documents
    scanned at the desk."""

    field_order = [
        "id_number",
        "caller_name",
        "phone",
        "organisation",
        "station",
        "division",
        "employer_name",
        "employer",
        "new_employer",
        "employer_credit_code",
        "employer_division",
        "facts",
        "demand",
        "request_type",
        "subject",
        "complexity",
        "urgent",
        "files",
        "answer",
    ]
    id_number = forms.CharField(
        label=_("Resident ID number (read the card or type it)"), max_length=20, required=False
    )
    organisation = forms.ChoiceField(label=_("Receiving union"))
    station = forms.ChoiceField(label=_("Station of the visit (optional)"), required=False)
    subject = forms.ChoiceField(label=_("Subject"), required=False)
    complexity = forms.ChoiceField(
        label=_("Complexity"), choices=Complexity.choices, initial=Complexity.ORDINARY
    )
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    files = MultipleFileField(
        label=_("Documents and photos scanned at the desk (up to 4; JPG, PNG or PDF)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf", "class": "form-control"}),
    )
    answer = forms.CharField(
        label=_("Answer given on the spot (consultations: closes the appeal)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        organisations: list[tuple[str, str]] | None = None,
        stations: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = subject_choices(str(_("— use the suggestion —")))
        self.fields["organisation"].choices = organisations or []
        if organisations:
            self.fields["organisation"].initial = organisations[0][0]
        self.fields["station"].choices = [("", "—"), *(stations or [])]
        self.fields["id_number"].widget.attrs.update(
            {
                "autofocus": True,
                "autocomplete": "off",
                "hx-get": reverse("appeals:walk_in_visitor"),
                "hx-trigger": "input changed delay:300ms, change",
                "hx-target": "#visitor",
            }
        )
        self.fields["phone"].widget.attrs.update(
            {
                "inputmode": "tel",
                "hx-get": reverse("appeals:phone_history"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#history",
            }
        )
        for name in ("facts", "demand"):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": reverse("appeals:suggest"),
                    "hx-trigger": "input changed delay:500ms",
                    "hx-target": "#suggestion",
                    "hx-include": "[name=facts],[name=demand]",
                }
            )


class H5AppealForm(_AppealFields):
    """The worker's form on the phone; ``token`` makes a double submit return the same appeal."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    files = MultipleFileField(
        label=_("Photos or documents (up to 4; JPG, PNG or PDF)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf", "class": "form-control"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        self.fields["request_type"].initial = RequestType.HELP


class TrackForm(forms.Form):
    number = forms.CharField(
        label=_("Case number"),
        max_length=32,
        widget=forms.TextInput(attrs={"class": "form-control", "data-testid": "f-number"}),
    )
    phone = forms.CharField(
        label=_("Phone used for the appeal"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"class": "form-control", "inputmode": "tel", "data-testid": "f-phone"}
        ),
    )

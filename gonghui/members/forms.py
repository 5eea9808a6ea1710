"""Forms of the member pages. They only parse input; the rules live in the services."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from gonghui.core.models import Division, DivisionLevel
from gonghui.core.pii import mask_phone
from gonghui.members.choices import (
    Education,
    EmploymentType,
    MembershipState,
    Occupation,
    RetainReason,
)
from gonghui.orgs.models import Organisation


def _blank(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", "—"), *list(choices)]


def _styled(form: forms.Form) -> None:
    """Bootstrap's class on every field that has none yet: selects and text inputs."""
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


def _consent_field() -> forms.BooleanField:
    """The required consent to the page's personal-information notice (PIPL art. 14, 17)."""
    return forms.BooleanField(
        label=_("I have read and agree to the personal information notice above"),
        error_messages={
            "required": _(
                "Tick the box to agree to the personal information notice; without it the "
                "request cannot be handled."
            )
        },
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class JoinForm(forms.Form):
    """The H5 join form: the worker's identity, employer and occupation, and the consent to
    the personal-information notice."""

    name = forms.CharField(label=_("Full name"), max_length=50)
    id_number = forms.CharField(label=_("Resident ID number"), max_length=30)
    phone = forms.CharField(label=_("Mobile number"), max_length=20)
    employer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    employer_name = forms.CharField(
        label=_("Employer"),
        max_length=150,
        required=False,
        help_text=_("Type the name or the unified social credit code and pick it from the list."),
    )
    employer_credit_code = forms.CharField(
        label=_("Employer's unified social credit code"), max_length=30, required=False
    )
    employer_division = forms.ModelChoiceField(
        label=_("District or county of the employer"),
        queryset=Division.objects.filter(level=DivisionLevel.COUNTY),
        required=False,
        help_text=_("Needed only when your employer is not in the list."),
    )
    occupation = forms.ChoiceField(label=_("Occupation"), choices=_blank(Occupation.choices))
    employment_type = forms.ChoiceField(
        label=_("Employment type"), choices=_blank(EmploymentType.choices), required=False
    )
    ethnicity = forms.CharField(label=_("Ethnicity"), max_length=20, required=False)
    education = forms.ChoiceField(
        label=_("Education level"), choices=_blank(Education.choices), required=False
    )
    consent = _consent_field()

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        _styled(self)
        self.fields["employer_name"].widget.attrs.update(
            {"autocomplete": "off", "class": "form-control js-employer-search"}
        )
        self.fields["id_number"].widget.attrs.update({"autocomplete": "off", "inputmode": "text"})
        self.fields["phone"].widget.attrs.update({"inputmode": "tel"})


class StatusForm(forms.Form):
    """Progress check: ID number and phone together identify the worker."""

    id_number = forms.CharField(label=_("Resident ID number"), max_length=30)
    phone = forms.CharField(label=_("Mobile number"), max_length=20)

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


class MemberTransferForm(StatusForm):
    """A member asks on H5 to move to a new employer's union, agreeing to the notice. The new
    employer is found by name or credit code with the join page's search (``employer`` holds
    the pick); one not in the list is typed with its county."""

    employer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    employer_name = forms.CharField(
        label=_("New employer"),
        max_length=150,
        required=False,
        help_text=_("Type the name or the unified social credit code and pick it from the list."),
    )
    employer_credit_code = forms.CharField(
        label=_("New employer's unified social credit code"),
        max_length=30,
        required=False,
        help_text=_("Optional: leave it empty if you do not know it."),
    )
    employer_division = forms.ModelChoiceField(
        label=_("District or county of the new employer"),
        queryset=Division.objects.filter(level=DivisionLevel.COUNTY),
        required=False,
        help_text=_("Needed only when your new employer is not in the list."),
    )
    reason = forms.CharField(label=_("Note"), max_length=200, required=False)
    consent = _consent_field()

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["consent"].widget.attrs["class"] = "form-check-input"
        self.fields["employer_division"].widget.attrs["class"] = "form-select"
        self.fields["id_number"].widget.attrs.update({"autocomplete": "off", "inputmode": "text"})
        self.fields["phone"].widget.attrs.update({"inputmode": "tel"})


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class ForwardForm(forms.Form):
    """Forward a misrouted application (转办): the union it belongs to, typed by code or picked
    by name from the lookup (the options carry the codes), and the reason."""

    organisation = forms.CharField(
        label=_("Forward to union"),
        max_length=100,
        help_text=_("Type the union's organisation code, or part of its name and pick it."),
    )
    reason = forms.CharField(
        label=_("Reason for forwarding"),
        max_length=500,
        help_text=_("Seen by the staff of the receiving union, not by the worker."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs["class"] = "form-control"
        # htmx fills the datalist with the unions matching what is typed (views.review).
        self.fields["organisation"].widget.attrs.update(
            {
                "class": "form-control",
                "autocomplete": "off",
                "list": "forward-unions",
                "hx-get": reverse_lazy("members:application_unions"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#forward-unions",
            }
        )


# The registry's join years: the People's Republic's first unions to a far future.
FIRST_JOIN_YEAR, LAST_JOIN_YEAR = 1949, 2100
_YEAR_MESSAGE = _("Enter a year between 1949 and 2100, for example 2020.")


class MemberFilterForm(forms.Form):
    """The registry's search and filters. Each field is checked on its own: the view applies the
    valid ones and shows the error on the others (see ``views._filters``)."""

    q = forms.CharField(required=False, max_length=100)
    occupation = forms.ChoiceField(
        label=_("Occupation"), required=False, choices=_blank(Occupation.choices)
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("", "—"),
            ("live", _("Active, transferring or retained")),
            *list(MembershipState.choices),
        ],
    )
    join_year = forms.IntegerField(
        label=_("Join year"),
        required=False,
        min_value=FIRST_JOIN_YEAR,
        max_value=LAST_JOIN_YEAR,
        error_messages={
            "invalid": _YEAR_MESSAGE,
            "min_value": _YEAR_MESSAGE,
            "max_value": _YEAR_MESSAGE,
        },
    )
    organisation = forms.CharField(label=_("Organisation code"), required=False, max_length=16)
    nef = forms.BooleanField(required=False)


class _SelectSomeDisabled(forms.Select):
    """A select whose options in ``disabled_values`` are shown but cannot be picked."""

    disabled_values: frozenset[str] = frozenset()

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        if str(option["value"]) in self.disabled_values:
            option["attrs"]["disabled"] = True
        return option


class MembershipChangeForm(forms.Form):
    """Retain, leave or expel, from the detail page. ``keep_at`` offers the membership's upper
    unions (``selectors.upper_unions``); those outside the actor's scope show, disabled."""

    ACTIONS = [
        ("retain", _("Retain membership")),
        ("leave", _("Leave the union (confirmed by staff)")),
        ("expel", _("Expel")),
    ]
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    reason = forms.ChoiceField(
        label=_("Reason for retaining"), required=False, choices=_blank(RetainReason.choices)
    )
    keep_at = forms.ChoiceField(
        label=_("Keep at"),
        required=False,
        widget=_SelectSomeDisabled,
        error_messages={"invalid_choice": _("Choose one of the upper unions in the list.")},
    )
    note = forms.CharField(label=_("Note or reason"), required=False, max_length=500)
    confirm = forms.BooleanField(
        label=_("I confirm: leaving or expulsion ends the membership."),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    # Ending a membership cannot be undone from this page: it needs the box ticked as well.
    ENDING = frozenset({"leave", "expel"})

    def __init__(
        self,
        *args: Any,
        state: str = MembershipState.ACTIVE,
        upper_unions: Sequence[Organisation] = (),
        manageable: Collection[int] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.upper_unions = list(upper_unions)
        if state != MembershipState.ACTIVE:
            self.fields["action"].choices = [a for a in self.ACTIONS if a[0] != "retain"]
        outside = _("%(union)s (outside your jurisdiction)")
        keep_at = self.fields["keep_at"]
        keep_at.choices = [
            ("", _("Its own union")),
            *(
                (str(o.pk), o.name if o.pk in manageable else outside % {"union": o.name})
                for o in self.upper_unions
            ),
        ]
        keep_at.widget.disabled_values = frozenset(
            str(o.pk) for o in self.upper_unions if o.pk not in manageable
        )
        _styled(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") in self.ENDING and not data.get("confirm"):
            self.add_error("confirm", _("Tick the box to confirm that the membership ends."))
        return data

    def keep_at_union(self) -> Organisation | None:
        """The chosen upper union (one of those offered), or None to keep it where it is."""
        chosen = self.cleaned_data.get("keep_at")
        return next((o for o in self.upper_unions if str(o.pk) == chosen), None)


class TransferInForm(forms.Form):
    """The new union asks for a member: found by ID number and name, moved to one of its own
    employers (by credit code) or unions (by organisation code)."""

    id_number = forms.CharField(label=_("Resident ID number"), max_length=30)
    name = forms.CharField(label=_("Full name"), max_length=50)
    to_employer = forms.CharField(
        label=_("New employer's unified social credit code"), max_length=30, required=False
    )
    to_organisation = forms.CharField(
        label=_("Receiving union's organisation code"),
        max_length=16,
        required=False,
        help_text=_("Fill in one of the two: the new employer or the receiving union."),
    )
    reason = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


class MemberUpdateForm(forms.Form):
    """Staff correct a member's details. The phone is never shown in plain text here: left
    empty, it stays as it is. The employer is found by credit code or exact name."""

    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        required=False,
        help_text=_("Leave empty to keep the current number."),
    )
    employer = forms.CharField(
        label=_("Employer"),
        max_length=150,
        required=False,
        help_text=_("Unified social credit code or exact name; empty: no employer on record."),
    )
    occupation = forms.ChoiceField(
        label=_("Occupation"), choices=_blank(Occupation.choices), required=False
    )
    employment_type = forms.ChoiceField(
        label=_("Employment type"), choices=_blank(EmploymentType.choices), required=False
    )
    education = forms.ChoiceField(
        label=_("Education level"), choices=_blank(Education.choices), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "edit")
        super().__init__(*args, **kwargs)
        _styled(self)
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})

    @classmethod
    def for_membership(cls, membership: Any, data: Any = None) -> MemberUpdateForm:
        """The form filled with the membership's details (the phone only as a masked hint)."""
        employer = membership.employer
        form = cls(
            data,
            initial={
                "employer": (employer.credit_code or employer.name) if employer else "",
                "occupation": membership.occupation,
                "employment_type": membership.employment_type,
                "education": membership.person.education,
            },
        )
        form.fields["phone"].widget.attrs["placeholder"] = mask_phone(membership.person.phone)
        return form


class ReactivateForm(forms.Form):
    """A retained member is re-hired: active again at its union, or at another union or with
    a new employer in the actor's jurisdiction."""

    organisation = forms.CharField(
        label=_("Union (organisation code)"),
        max_length=16,
        required=False,
        help_text=_("Empty: the union holding the membership, or the new employer's union."),
    )
    employer = forms.CharField(
        label=_("New employer"),
        max_length=150,
        required=False,
        help_text=_("Unified social credit code or exact name; empty: the employer on record."),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "reactivate")
        super().__init__(*args, **kwargs)
        _styled(self)

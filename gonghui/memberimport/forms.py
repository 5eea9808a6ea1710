"""Forms of the mass-enrolment console pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.memberimport.models import ImportMode
from gonghui.memberimport.rules import SPREADSHEET_SUFFIXES

MAX_UPLOAD_BYTES = 30 * 1024 * 1024


class UploadForm(forms.Form):
    # A code with suggestions rather than a select: a region administrator's scope holds
    # ~20,000 unions.
    organisation = forms.CharField(
        label=_("Importing union"),
        max_length=16,
        help_text=_("The union's code; the unions you work for are suggested."),
        widget=forms.TextInput(attrs={"list": "importing-unions", "autocomplete": "off"}),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("The filled-in template as an Excel workbook (.xlsx) or a CSV file."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        for bound in self.fields.values():
            bound.widget.attrs.setdefault("class", "form-control")

    def clean_organisation(self) -> Any:
        from django.http import Http404

        from gonghui.memberimport.selectors import organisation_for_import

        code = self.cleaned_data["organisation"].strip()
        try:
            return organisation_for_import(actor=self.actor, code=code)
        except Http404:
            raise forms.ValidationError(_("No union with this code in your area.")) from None

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((*SPREADSHEET_SUFFIXES, ".csv")):
            raise forms.ValidationError(
                _("Only Excel workbooks (.xlsx) and CSV files can be imported.")
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 30 MB; split it up."))
        return upload


class ApplyForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Mode"), choices=ImportMode.choices, initial=ImportMode.STRICT, required=False
    )

"""Forms of the mass-enrolment console pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.memberimport.models import ImportMode
from gonghui.memberimport.rules import SPREADSHEET_SUFFIXES

MAX_UPLOAD_BYTES = 30 * 1024 * 1024


class UploadForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Importing union"), queryset=None, to_field_name="code"
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("The filled-in template as an Excel workbook (.xlsx) or a CSV file."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )

    def __init__(self, *args: Any, unions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = unions  # type: ignore[attr-defined]
        for name, bound in self.fields.items():
            bound.widget.attrs.setdefault(
                "class", "form-select" if name == "organisation" else "form-control"
            )

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

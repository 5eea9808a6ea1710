"""Console and H5 forms of the stations app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.models import Division, DivisionLevel
from gonghui.orgs.models import Organisation
from gonghui.stations.choices import BuildMode, Datum, Facility
from gonghui.stations.models import StationKind
from gonghui.stations.rules import hours

WEEKDAYS = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]


class StationForm(forms.Form):
    """The station record. Opening hours are entered per weekday as "08:00-20:00" (several
    ranges separated by commas; blank = closed that day) unless the station is open 24 hours."""

    kind = forms.ModelChoiceField(StationKind.objects.all(), label=_("Kind"))
    name = forms.CharField(label=_("Name"), max_length=100)
    address = forms.CharField(label=_("Address"), max_length=200)
    division = forms.ModelChoiceField(
        Division.objects.filter(level=DivisionLevel.COUNTY), label=_("Division")
    )
    lat = forms.FloatField(label=_("Latitude"))
    lon = forms.FloatField(label=_("Longitude"))
    datum = forms.ChoiceField(
        label=_("Coordinate system"),
        choices=Datum.choices,
        initial=Datum.WGS84,
        help_text=_("Coordinates copied from Amap or Baidu are converted to WGS-84 on saving."),
    )
    organisation = forms.ModelChoiceField(Organisation.objects.none(), label=_("Host organisation"))
    build_mode = forms.ChoiceField(label=_("Build mode"), choices=BuildMode.choices)
    partner = forms.CharField(label=_("Co-building partner"), max_length=100, required=False)
    manager_name = forms.CharField(label=_("Manager"), max_length=50, required=False)
    manager_phone = forms.CharField(
        label=_("Manager phone"),
        max_length=20,
        required=False,
        help_text=_("Stored encrypted. When editing, leave blank to keep the current number."),
    )
    service_phone = forms.CharField(label=_("Service phone"), max_length=20, required=False)
    is_24h = forms.BooleanField(label=_("Open 24 hours"), required=False)
    facilities = forms.MultipleChoiceField(
        label=_("Facilities"),
        choices=Facility.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    capacity = forms.IntegerField(label=_("Capacity (people)"), min_value=0, initial=0)
    area = forms.DecimalField(label=_("Area (m²)"), min_value=0, decimal_places=1, initial=0)
    remark = forms.CharField(
        label=_("Remark"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations
        for i, label in enumerate(WEEKDAYS):
            self.fields[f"day_{i}"] = forms.CharField(
                label=label, required=False, max_length=60, initial="08:00-20:00"
            )
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            elif not isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.widget.attrs["class"] = (
                    "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                )
            del name

    @staticmethod
    def initial_for(station: Any) -> dict[str, Any]:
        data = {
            f: getattr(station, f)
            for f in (
                "kind",
                "name",
                "address",
                "division",
                "lat",
                "lon",
                "organisation",
                "build_mode",
                "partner",
                "manager_name",
                "service_phone",
                "is_24h",
                "facilities",
                "capacity",
                "area",
                "remark",
            )
        }
        for i in range(7):
            day = station.schedule[i] if station.schedule else []
            data[f"day_{i}"] = ", ".join(f"{a}-{b}" for a, b in day)
        return data

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        schedule = []
        for i in range(7):
            text = (data.get(f"day_{i}") or "").strip()
            if not text:
                schedule.append([])
                continue
            try:
                schedule.append(hours.parse_day_hours(text))
            except hours.HoursError as error:
                self.add_error(f"day_{i}", str(error))
        if not data.get("is_24h") and not any(schedule) and not self.errors:
            self.add_error("day_0", _("Give the opening hours or tick “Open 24 hours”."))
        data["schedule"] = schedule
        return data

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("day_")}
        data.pop("datum", None)
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (XLSX or CSV)"),
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ".xlsx,.xls,.csv"}
        ),
    )


class PhotoForm(forms.Form):
    image = forms.ImageField(
        label=_("Photo"), widget=forms.ClearableFileInput(attrs={"class": "form-control"})
    )
    caption = forms.CharField(label=_("Caption"), max_length=100, required=False)


class CountForm(forms.Form):
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )
    count = forms.IntegerField(
        label=_("People served"),
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )


class CheckinForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        choices=[("", "—")] + [(str(i), "★" * i) for i in range(5, 0, -1)],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    remark = forms.CharField(
        label=_("Remark"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class CoverageForm(forms.Form):
    division = forms.ModelChoiceField(
        Division.objects.exclude(level=DivisionLevel.PROVINCE),
        label=_("Division"),
        required=False,
        empty_label=_("Whole region"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    radius = forms.IntegerField(
        label=_("Reach (metres)"),
        min_value=100,
        max_value=20000,
        initial=1000,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    suggest = forms.IntegerField(
        label=_("Suggest new sites"),
        min_value=0,
        max_value=100,
        initial=10,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )

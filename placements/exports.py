"""The placements app's exportable tables: their columns and rows (values, not model instances).
`Table` is also what the other apps register their tables with."""

from django.utils.translation import gettext_lazy as _

from coop.tables import Table

from .models import Application, CareerOutcome, Partner, Placement, Theme

__all__ = ["TABLES", "Table"]  # Table is imported from here by the other apps' exports

YES_NO = {True: _("Yes"), False: _("No")}
# The career outcome's yes/no facts (seed 004), as columns of the placements export and filters
# of the placements list; a placement without a recorded outcome leaves them empty.
OUTCOME_FIELDS = [
    CareerOutcome._meta.get_field(name)
    for name in ("offer_received", "hired_by_partner", "hired_in_japan", "stayed_in_region")
]

TABLES = {
    "partners": Table(
        "partners",
        _("Partners"),
        (
            (_("Partner name"), "name"),
            (_("Name (kana)"), "name_kana"),
            (_("Kind"), "kind"),
            (_("Industry"), "industry"),
            (_("Country"), "country"),
            (_("Address"), "address"),
            (_("Phone"), "phone"),
            (_("Website"), "website"),
        ),
        Partner,
        {"kind": dict(Partner.Kind.choices)},
    ),
    "themes": Table(
        "themes",
        _("Themes"),
        (
            (_("Title"), "title"),
            (_("Partner"), "partner__name"),
            (_("Program"), "program__name"),
            (_("Term"), "term__name"),
            (_("Track"), "track"),
            (_("State"), "state"),
            (_("Students"), "capacity"),
            (_("Duration (months)"), "duration_months"),
            (_("Pay"), "pay"),
            (_("Place of work"), "place"),
        ),
        Theme,
        {"track": dict(Theme.Track.choices), "state": dict(Theme.State.choices)},
    ),
    "placements": Table(
        "placements",
        _("Placements"),
        (
            (_("Student"), "student__full_name"),
            (_("Email address"), "student__email"),
            (_("Partner"), "partner__name"),
            (_("Theme"), "theme__title"),
            (_("Starts on"), "starts_on"),
            (_("Ends on"), "ends_on"),
            (_("Schedule"), "schedule"),
            (_("Working days"), "weekdays"),
            (_("Direction"), "direction"),
            (_("State"), "state"),
            (_("Faculty supervisor"), "faculty_supervisor__email"),
            (_("Pay"), "pay"),
            *((field.verbose_name, f"career_outcome__{field.name}") for field in OUTCOME_FIELDS),
        ),
        Placement,
        {
            "schedule": dict(Placement.Schedule.choices),
            "direction": dict(Placement.Direction.choices),
            "state": dict(Placement.State.choices),
            **{f"career_outcome__{field.name}": YES_NO for field in OUTCOME_FIELDS},
        },
    ),
}

# The applications list's export ("export what I see"); not a whole-table export of the exports page.
APPLICATIONS_TABLE = Table(
    "applications",
    _("Applications"),
    (
        (_("Student"), "student__full_name"),
        (_("Email address"), "student__email"),
        (_("Theme"), "theme__title"),
        (_("Partner"), "theme__partner__name"),
        (_("Applied"), "created_at"),
        (_("State"), "state"),
    ),
    Application,
    {"state": dict(Application.State.choices)},
)

"""What an API token may do: a read or write permission per area. One list, used by the token
form, the views (each names its area) and the schema's description."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

AREAS = {
    "students": (_("Students and memberships"), ("read", "write")),
    "partners": (_("Partners"), ("read",)),
    "themes": (_("Themes"), ("read",)),
    "placements": (_("Placements"), ("read",)),
    "reports": (_("Daily and monthly report status"), ("read",)),
    "evaluations": (_("Evaluations and final results"), ("read",)),
    "outcomes": (_("Career outcomes"), ("read", "write")),
    "summaries": (_("Term summaries"), ("read",)),
}
ACTION_LABELS = {"read": pgettext_lazy("API permission", "read"), "write": pgettext_lazy("API permission", "write")}

SCOPES = [f"{area}:{action}" for area, (_label, actions) in AREAS.items() for action in actions]


def scope_choices():
    return [
        (f"{area}:{action}", f"{label}: {ACTION_LABELS[action]}")
        for area, (label, actions) in AREAS.items()
        for action in actions
    ]

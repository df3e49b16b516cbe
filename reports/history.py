"""How the reports app's history entries read: the sentences their values make, registered
with coop.registry and translated when read."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import AccessLink

LABELS = {
    "reportguide.saved": _("Report guide saved"),
}

TEXTS = {
    "daily_report.unlocked": _("Unlocked until %(date)s."),
    "placement.link_sent": _("%(purpose)s → %(email)s"),
    "placement.link_revoked": _("%(purpose)s → %(email)s"),
    "result.proposed": _("%(grade)s (%(verdict)s)"),
}

VALUE_LABELS = {
    "purpose": dict(AccessLink.Purpose.choices),
    "verdict": {"passed": pgettext_lazy("verdict", "passed"), "not_passed": pgettext_lazy("verdict", "not passed")},
}

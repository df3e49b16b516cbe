"""How the consortium app's history entries read (coop.registry.register_history)."""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "adoption.created": _("Common program adopted"),
    "adoption.updated": _("New version of the common program accepted"),
    "practicecase.saved": _("Write-up saved"),
    "practicecase.shared": _("Shared with the consortium"),
    "practicecase.withdrawn": _("Withdrawn from the consortium"),
    "partnerlink.created": _("Linked to a shared partner"),
    "partnerlink.deleted": _("Link to a shared partner removed"),
}

TEXTS = {
    "adoption.created": _("Version %(number)s adopted."),
    "adoption.updated": _("From version %(from)s to version %(number)s."),
}

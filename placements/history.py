"""How the placements app's history entries read: labels of its action codes and the sentences
their values make, registered with coop.registry and translated when read."""

from django.utils.translation import gettext_lazy as _

from .selectors.agreements import PARTY_LABELS

LABELS = {
    "agreement.created": _("Draft created"),
    "agreement.updated": _("Draft edited"),
    "agreement.issued": _("Issued for signature"),
    "agreement.signed": _("Signed"),
    "agreement.in_force": _("In force"),
    "agreement.amended": _("Sent back to draft for an amendment"),
    "agreement.terminated": _("Terminated"),
}

TEXTS = {
    "agreement.issued": _("Version %(number)s issued for signature."),
    "agreement.signed": _("Version %(number)s, %(party)s: %(name)s"),
    "agreement.in_force": _("Every party signed version %(number)s."),
    "theme.filled": _("All places are taken."),
}

VALUE_LABELS = {"party": PARTY_LABELS}

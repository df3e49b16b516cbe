"""How the placements app's history entries read: labels of its action codes and the sentences
their values make, registered with coop.registry and translated when read."""

from django.utils.translation import gettext_lazy as _

from .models import SIDE_LABELS, Interview
from .selectors.agreements import PARTY_LABELS

LABELS = {
    "agreement.created": _("Draft created"),
    "agreement.updated": _("Draft edited"),
    "agreement.issued": _("Issued for signature"),
    "agreement.signed": _("Signed"),
    "agreement.in_force": _("In force"),
    "agreement.amended": _("Sent back to draft for an amendment"),
    "agreement.terminated": _("Terminated"),
    "application.entry_confirmed": _("Entered from the public project index"),
    "theme.copied_from": _("Made for the next round"),
    "theme.copied_for_next_round": _("Copied for the next round"),
    "application.interview_outcome": _("Interview outcome"),
    "placement.orientation_saved": _("Start orientation recorded"),
    "placement.orientation_confirmed": _("Start orientation confirmed"),
    "placement.reflection_scheduled": _("Reflection dialogue scheduled"),
    "placement.reflection_notes": _("Reflection notes written"),
    "placement.reflection_actions": _("Next actions recorded"),
}

TEXTS = {
    "agreement.issued": _("Version %(number)s issued for signature."),
    "agreement.signed": _("Version %(number)s, %(party)s: %(name)s"),
    "agreement.in_force": _("Every party signed version %(number)s."),
    "theme.filled": _("All places are taken."),
    "application.entry_confirmed": _("School: %(school)s"),
    "theme.copied_from": _("Copied from theme #%(theme)s."),
    "theme.copied_for_next_round": _("The next round is theme #%(theme)s."),
    "application.interview_outcome": _("Outcome: %(outcome)s"),
    "placement.orientation_saved": _("What was agreed changed: the confirmations given before were withdrawn."),
    "placement.orientation_confirmed": _("Confirmed by: %(side)s"),
    "placement.reflection_scheduled": _("Dialogue %(number)s"),
    "placement.reflection_notes": _("Dialogue %(number)s, notes of: %(side)s"),
    "placement.reflection_actions": _(
        "Dialogue %(number)s: %(added)s new actions, %(done)s done, %(carried)s carried over."
    ),
}

VALUE_LABELS = {"party": PARTY_LABELS, "side": SIDE_LABELS, "outcome": dict(Interview.Outcome.choices)}

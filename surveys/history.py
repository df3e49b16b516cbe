"""How the surveys app's history entries read (registered with coop.registry)."""

from django.utils.translation import gettext_lazy as _

from .models import Audience

LABELS = {
    "surveyform.created": _("Survey version made"),
    "surveyform.saved": _("Survey saved"),
    "surveyround.created": _("Survey opened"),
    "surveyround.synced": _("People added to the survey"),
    "surveyround.updated": _("Survey dates changed"),
    "surveyround.answered": _("Survey answered"),
    "surveyround.link_sent": _("Survey link emailed"),
    "surveyround.link_revoked": _("Survey link revoked"),
}

TEXTS = {
    "surveyround.synced": _("%(count)s people asked."),
    "surveyround.answered": _("Answered by: %(survey_audience)s"),
}

VALUE_LABELS = {"survey_audience": dict(Audience.choices)}

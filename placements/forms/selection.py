from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coop.formfields import ScopedModelForm
from coop.models import User
from coop.uploads import DOCUMENT, UploadField

from ..models import Application, Interview
from ..selectors.people import partner_users, staff_users


class ApplicationForm(ScopedModelForm):
    file = UploadField(label=_("attachment"), rule=DOCUMENT, required=False)

    class Meta:
        model = Application
        fields = ["motivation", "file"]
        widgets = {"motivation": forms.Textarea(attrs={"rows": 6})}


class InterviewForm(ScopedModelForm):
    """Schedules an interview (面談) with its participants, or records one held."""

    participants = forms.ModelMultipleChoiceField(
        label=_("participants"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The office's people and the partner's people who take part; they are emailed with the student."),
    )

    class Meta:
        model = Interview
        fields = ["kind", "held_at", "place", "online_url", "participants", "notes"]
        widgets = {
            "held_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        if application is not None:
            people = Q(pk__in=staff_users(application.tenant).values("pk")) | Q(
                pk__in=partner_users(application.theme.partner).values("pk")
            )
            self.fields["participants"].queryset = User.objects.filter(people).order_by("full_name", "email")


class InterviewOutcomeForm(ScopedModelForm):
    class Meta:
        model = Interview
        fields = ["outcome", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 6})}


class AcceptedBulkForm(forms.Form):
    """Several accepted students at once: issue their pledges, or register their placements."""

    ACTIONS = (("pledges", _("Issue the student pledges")), ("placements", _("Register the placements")))

    applications = forms.ModelMultipleChoiceField(
        label=_("Students"),
        queryset=Application.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one student.")},
    )
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    starts_on = forms.DateField(
        label=_("Starts on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For placements. Empty: the start of each theme's implementation plan."),
    )
    ends_on = forms.DateField(
        label=_("Ends on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For placements. Empty: the end of each theme's implementation plan."),
    )

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = applications

from django import forms
from django.utils.translation import gettext_lazy as _

from coop.formfields import ScopedModelForm
from coop.models import Role

from ..models import CareerOutcome, PartnerContact, Placement, PractitionerFaculty
from ..selectors.people import members_with_role


class PlacementForm(ScopedModelForm):
    weekday_choices = forms.MultipleChoiceField(
        label=_("Working days"),
        required=False,
        choices=Placement.WEEKDAYS,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a set-days schedule, e.g. one day a week in the dual system."),
    )
    supervisors = forms.ModelMultipleChoiceField(
        label=_("Partner supervisors"),
        required=False,
        queryset=PartnerContact.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Placement
        fields = ["faculty_supervisor", "practitioner", "starts_on", "ends_on", "schedule", "pay", "direction"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    model_field_errors_to = {"weekdays": "weekday_choices"}

    def __init__(self, *args, tenant, partner, program=None, **kwargs):
        super().__init__(*args, **kwargs)
        if program is not None and not program.has_directions:
            del self.fields["direction"]  # exchanges alone send and receive students
        self.fields["faculty_supervisor"].queryset = members_with_role(tenant, Role.FACULTY)
        self.fields["practitioner"].queryset = PractitionerFaculty.objects.filter(
            tenant=tenant, contact__partner=partner
        ).select_related("contact")
        self.fields["supervisors"].queryset = PartnerContact.objects.filter(tenant=tenant, partner=partner)
        if self.instance.pk:
            self.fields["weekday_choices"].initial = [str(d) for d in self.instance.weekday_numbers]
            self.fields["supervisors"].initial = [s.contact_id for s in self.instance.supervisors.all()]

    def clean(self):
        cleaned = super().clean()
        days = cleaned.get("weekday_choices") or []
        cleaned["weekdays"] = ",".join(sorted(days))
        # The model's clean() checks the days (one home for that rule); it must see the ticked ones.
        self.instance.weekdays = cleaned["weekdays"]
        return cleaned

    def service_values(self):
        values = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}
        values["weekdays"] = self.cleaned_data["weekdays"]
        return values


class TransitionForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class GrantForm(forms.Form):
    email = forms.EmailField(label=_("Email address of a member"))


class CareerOutcomeForm(ScopedModelForm):
    class Meta:
        model = CareerOutcome
        fields = ["offer_received", "hired_by_partner", "hired_in_japan", "stayed_in_region", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

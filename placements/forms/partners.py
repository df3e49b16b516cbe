from django import forms
from django.utils.translation import gettext_lazy as _

from coop.formfields import ScopedModelForm

from ..models import Partner, PartnerContact, PartnerDepartment, PractitionerFaculty


class PartnerForm(ScopedModelForm):
    class Meta:
        model = Partner
        fields = ["name", "name_kana", "kind", "industry", "country", "address", "website", "phone", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class ContactForm(ScopedModelForm):
    class Meta:
        model = PartnerContact
        fields = ["full_name", "title", "department", "email", "phone", "is_primary", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = PartnerDepartment.objects.filter(partner=partner)


class DepartmentForm(ScopedModelForm):
    class Meta:
        model = PartnerDepartment
        fields = ["name"]


class PractitionerForm(ScopedModelForm):
    """Warns below 5 years of managerial experience and then requires a recorded reason."""

    class Meta:
        model = PractitionerFaculty
        fields = ["title", "managerial_years", "exception_reason", "appointed_from", "appointed_until"]
        widgets = {
            "appointed_from": forms.DateInput(attrs={"type": "date"}),
            "appointed_until": forms.DateInput(attrs={"type": "date"}),
            "exception_reason": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "managerial_years": _(
                "The program asks for about 5 years or more as a manager (部長・課長・マネージャー等)."
            ),
        }

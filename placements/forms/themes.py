from django import forms
from django.utils.translation import gettext_lazy as _

from coop.formfields import ScopedModelForm

from ..models import Partner, PractitionerFaculty, Program, Term, Theme, ThemeComment


class ThemeForm(ScopedModelForm):
    class Meta:
        model = Theme
        fields = [
            "title",
            "program",
            "term",
            "partner",
            "track",
            "practitioner",
            "description",
            "required_skills",
            "capacity",
            "duration_months",
            "pay",
            "place",
            "lessons",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "required_skills": forms.Textarea(attrs={"rows": 2}),
            "lessons": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(tenant=tenant, is_active=True)
        self.fields["term"].queryset = Term.objects.filter(tenant=tenant).select_related("program")
        self.fields["partner"].queryset = Partner.objects.filter(tenant=tenant, is_active=True)
        self.fields["practitioner"].queryset = PractitionerFaculty.objects.filter(tenant=tenant).select_related(
            "contact"
        )

    def clean(self):
        cleaned = super().clean()
        term, program = cleaned.get("term"), cleaned.get("program")
        if term and program and term.program_id != program.pk:
            self.add_error("term", _("Choose a term of the selected program."))
        return cleaned


class PartnerThemeForm(ScopedModelForm):
    """A partner person proposes or edits a draft theme of their own partner."""

    class Meta:
        model = Theme
        fields = [
            "title",
            "program",
            "track",
            "practitioner",
            "description",
            "required_skills",
            "capacity",
            "duration_months",
            "pay",
            "place",
        ]
        widgets = ThemeForm.Meta.widgets

    def __init__(self, *args, tenant, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(tenant=tenant, is_active=True)
        self.fields["practitioner"].queryset = PractitionerFaculty.objects.filter(
            tenant=tenant, contact__partner=partner
        ).select_related("contact")


class ThemeCommentForm(ScopedModelForm):
    class Meta:
        model = ThemeComment
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}


class ReasonForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

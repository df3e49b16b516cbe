"""Forms of the agreement pages. They validate input; the services do the writing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from coop.formfields import ScopedModelForm
from coop.uploads import SCAN, UploadField

from ..models import Agreement, Application, Partner, Theme
from ..selectors.agreements import PARTY_LABELS


def party_choices(parties):
    return [(party, PARTY_LABELS.get(party, party)) for party in parties]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ApplicationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.student} — {obj.theme.title}"


class AgreementForm(ScopedModelForm):
    """Creates or edits a draft. Choices come from the request's tenant scope."""

    application = ApplicationChoiceField(
        label=_("Application"),
        queryset=None,  # set per request, inside the tenant scope
        required=False,
        help_text=_("Needed for a student pledge: the student who signs it."),
    )

    class Meta:
        model = Agreement
        fields = ["kind", "partner", "theme", "application", "title", "valid_from", "valid_until", "terms"]
        widgets = {
            "valid_from": DateInput(),
            "valid_until": DateInput(),
            "terms": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {"title": _("Leave empty for the usual title of the kind.")}

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.filter(tenant=tenant, is_active=True).order_by("name")
        self.fields["theme"].queryset = Theme.objects.filter(tenant=tenant).order_by("-created_at")
        self.fields["theme"].required = False
        self.fields["application"].queryset = (
            Application.objects.filter(tenant=tenant)
            .select_related("student", "theme")
            .exclude(state__in=[Application.State.REJECTED, Application.State.WITHDRAWN, Application.State.DECLINED])
        )
        self.fields["title"].required = False

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The agreement cannot end before it starts."))
        if cleaned.get("kind") == Agreement.Kind.STUDENT_PLEDGE and not cleaned.get("application"):
            self.add_error("application", _("A student pledge needs the student's application."))
        return cleaned

    def _post_clean(self):
        # The services check the rules that involve the tenant; the model's own validation
        # would need the tenant, which is not a form field.
        pass


class SignForm(forms.Form):
    party = forms.ChoiceField(label=_("Sign for"), choices=())
    signed_name = forms.CharField(
        label=_("Your full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    agree = forms.BooleanField(
        label=_("I have read this version of the document and sign it by typing my name."), required=True
    )

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = party_choices(parties)
        if len(parties) == 1:
            self.fields["party"].widget = forms.HiddenInput()
            self.fields["party"].initial = parties[0]


class OutsideSignatureForm(forms.Form):
    party = forms.ChoiceField(label=_("Party"), choices=())
    signed_name = forms.CharField(label=_("Name of the person who signed"), max_length=150)
    scan = UploadField(label=_("Scan of the signed document"), rule=SCAN, help_text=_("PDF, JPEG or PNG, up to 20 MB."))

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = party_choices(parties)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

from django import forms
from django.utils.translation import gettext_lazy as _

from coop.formfields import ScopedModelForm
from coop.uploads import DOCUMENT, UploadField

from ..models import Application, Interview


class ApplicationForm(ScopedModelForm):
    file = UploadField(label=_("attachment"), rule=DOCUMENT, required=False)

    class Meta:
        model = Application
        fields = ["motivation", "file"]
        widgets = {"motivation": forms.Textarea(attrs={"rows": 6})}


class InterviewForm(ScopedModelForm):
    class Meta:
        model = Interview
        fields = ["kind", "held_at", "notes"]
        widgets = {
            "held_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

from django import forms
from django.utils.translation import gettext_lazy as _

from coop.formfields import ScopedModelForm

from ..models import Application, Interview

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def check_upload(file):
    if file and file.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError(_("The file is larger than 10 MB."))
    return file


class ApplicationForm(ScopedModelForm):
    class Meta:
        model = Application
        fields = ["motivation", "file"]
        widgets = {"motivation": forms.Textarea(attrs={"rows": 6})}

    def clean_file(self):
        return check_upload(self.cleaned_data.get("file"))


class InterviewForm(ScopedModelForm):
    class Meta:
        model = Interview
        fields = ["kind", "held_at", "notes"]
        widgets = {
            "held_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coop.formfields import ScopedModelForm
from coop.uploads import DOCUMENT, UploadField

from ..models import CourseSession, PreAssignment, Submission


class CourseSessionForm(ScopedModelForm):
    class Meta:
        model = CourseSession
        fields = ["title", "starts_at", "place", "description"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class PreAssignmentForm(ScopedModelForm):
    class Meta:
        model = PreAssignment
        fields = ["title", "instructions", "due_at"]
        widgets = {
            "due_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "instructions": forms.Textarea(attrs={"rows": 5}),
        }


class SubmissionForm(ScopedModelForm):
    file = UploadField(label=_("file"), rule=DOCUMENT, required=False)

    class Meta:
        model = Submission
        fields = ["text", "file"]
        widgets = {"text": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.file:
            self.fields["file"].widget.download_url = reverse(
                "placements:submission_file", kwargs={"tenant_slug": self.instance.tenant_slug, "pk": self.instance.pk}
            )

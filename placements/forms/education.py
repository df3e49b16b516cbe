from django import forms
from django.urls import reverse

from coop.formfields import ScopedModelForm

from ..models import CourseSession, PreAssignment, Submission
from .selection import check_upload


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

    def clean_file(self):
        return check_upload(self.cleaned_data.get("file"))

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from coop.formfields import ScopedModelForm
from coop.uploads import DOCUMENT, UploadField
from placements.models import PartnerContact, Placement

from .models import (
    AccessLink,
    ClosurePeriod,
    DailyReport,
    FinalPresentation,
    FinalReport,
    MonthlyReport,
    PlacementResult,
    ReportGuide,
    ReportSettings,
)
from .services import MAX_UNLOCK_DAYS

MAX_FILES = 5


class GuidedReportForm(ScopedModelForm):
    """A student's report form: the program's report guide (reports.models.ReportGuide), when
    it has one, puts its prompt under each field it writes one for."""

    def __init__(self, *args, guide=None, **kwargs):
        super().__init__(*args, **kwargs)
        if guide is not None:
            for name, field in self.fields.items():
                if getattr(guide, name, ""):
                    field.help_text = getattr(guide, name)


class DailyReportForm(GuidedReportForm):
    class Meta:
        model = DailyReport
        fields = ["hours", "done", "learned", "problems", "next_steps"]
        widgets = {
            "hours": forms.NumberInput(attrs={"step": "0.25", "min": "0", "max": "24", "inputmode": "decimal"}),
            "done": forms.Textarea(attrs={"rows": 4}),
            "learned": forms.Textarea(attrs={"rows": 3}),
            "problems": forms.Textarea(attrs={"rows": 2}),
            "next_steps": forms.Textarea(attrs={"rows": 2}),
        }

    def service_values(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class UnlockForm(forms.Form):
    days = forms.IntegerField(label=_("Unlock for (days)"), min_value=1, max_value=MAX_UNLOCK_DAYS, initial=3)


class MonthlyReportForm(GuidedReportForm):
    class Meta:
        model = MonthlyReport
        fields = ["summary", "reflection"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 5}),
            "reflection": forms.Textarea(attrs={"rows": 5}),
        }


class FeedbackForm(forms.Form):
    text = forms.CharField(label=_("Your feedback"), widget=forms.Textarea(attrs={"rows": 4}))


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 4}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(UploadField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class FinalReportForm(ScopedModelForm):
    files = MultipleFileField(
        label=_("Attach files"),
        rule=DOCUMENT,
        required=False,
        help_text=_("Up to 5 files of up to 10 MB each (slides, PDF)."),
    )

    class Meta:
        model = FinalReport
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 12})}

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("Attach at most 5 files at a time."))
        return files


class PresentationForm(ScopedModelForm):
    placements = forms.ModelMultipleChoiceField(
        label=_("Presenting placements"),
        required=False,
        queryset=Placement.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = FinalPresentation
        fields = ["title", "starts_at", "place", "attendees", "notes"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "attendees": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, placements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["placements"].queryset = placements
        if self.instance.pk:
            self.fields["placements"].initial = [s.placement_id for s in self.instance.slots.all()]

    def service_values(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ReportSettingsForm(ScopedModelForm):
    class Meta:
        model = ReportSettings
        fields = ["edit_days_after", "national_holidays_off"]


class ClosurePeriodForm(ScopedModelForm):
    """A closure of the tenant or a suspension of one placement (the view says which)."""

    class Meta:
        model = ClosurePeriod
        fields = ["starts_on", "ends_on", "reason"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def service_values(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ReportGuideForm(ScopedModelForm):
    """A program's report guide: one prompt per report field, blank for none."""

    class Meta:
        model = ReportGuide
        fields = list(ReportGuide.FIELDS)
        widgets = {name: forms.TextInput(attrs={"maxlength": ReportGuide.MAX_PROMPT}) for name in ReportGuide.FIELDS}

    def prompts(self):
        return {name: self.cleaned_data.get(name, "") for name in ReportGuide.FIELDS}


class EvaluationFormSettingsForm(forms.Form):
    name = forms.CharField(label=_("Name of the form"), max_length=200)
    criteria = forms.CharField(
        label=_("Criteria"),
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("One a line: label | what it means."),
    )
    questions = forms.CharField(
        label=_("Free-text questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line."),
    )
    scale_max = forms.IntegerField(label=_("Highest score (the lowest is 1)"), min_value=2, max_value=10, initial=5)


class ResultForm(forms.Form):
    grade = forms.ChoiceField(label=_("Grade"), choices=PlacementResult.Grade.choices)
    passed = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("1", _("Passed")), ("0", _("Not passed"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    comments = forms.CharField(label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class LinkSendForm(forms.Form):
    contact = forms.ModelChoiceField(label=_("Send to"), queryset=PartnerContact.objects.none())
    purpose = forms.ChoiceField(label=_("Form to fill"), choices=AccessLink.Purpose.choices)
    month = forms.TypedChoiceField(label=_("Month (for feedback)"), required=False, choices=(), coerce=str)

    def __init__(self, *args, contacts, months, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts
        self.fields["month"].choices = [("", "—"), *[(f"{m:%Y-%m}", f"{m:%Y-%m}") for m in months]]

    def clean_month(self):
        value = self.cleaned_data.get("month")
        if not value:
            return None

        year, month = value.split("-")
        return datetime.date(int(year), int(month), 1)

"""Forms of the import pages: choose what to import and upload the file, then confirm."""

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ..services.imports import import_kinds, max_bytes

ACCEPT = ".csv,.txt,.tsv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file contains"))
    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(code, kind.label) for code, kind in import_kinds().items()]
        self.fields["file"].help_text = _(
            "CSV (UTF-8, or Shift_JIS as Japanese Excel saves it) or an Excel workbook (.xlsx), up to %(size)s. "
            "The first row names the columns."
        ) % {"size": filesizeformat(max_bytes())}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise forms.ValidationError(
                _("The file is larger than %(limit)s. Split it into smaller files.")
                % {"limit": filesizeformat(max_bytes())}
            )
        return upload


class ImportConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

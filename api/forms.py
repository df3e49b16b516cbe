from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from coop.clock import tenant_today

from .models import ApiToken
from .scopes import scope_choices


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=_("What uses the token, e.g. 教務システム連携 (student-record system)."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Permissions"), choices=scope_choices, widget=forms.CheckboxSelectMultiple
    )
    expires_on = forms.DateField(
        label=_("Valid until"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].initial = tenant_today(tenant) + timedelta(days=365)
        # formatted per request, in the reader's language
        self.fields["expires_on"].help_text = gettext("At most %(days)s days ahead.") % {
            "days": settings.API_TOKEN_MAX_DAYS
        }

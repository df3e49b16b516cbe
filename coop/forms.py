import zoneinfo

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from .formfields import ScopedModelForm
from .models import DeadlineSettings, Invitation, Role, Tenant, User


class InvitationForm(forms.Form):
    # The column's length (a form EmailField alone takes up to 320 characters).
    email = forms.EmailField(label=_("Email address"), max_length=Invitation._meta.get_field("email").max_length)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args, inviter_role, **kwargs):
        super().__init__(*args, **kwargs)
        # Staff may invite anyone but an administrator; only administrators make administrators.
        if inviter_role != Role.ADMIN:
            self.fields["role"].choices = [c for c in Role.choices if c[0] != Role.ADMIN]


class InvitationSignupForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(
        label=_("Password (again)"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, email, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords do not match."))
        elif p1:
            try:
                candidate = User(email=self.email, full_name=cleaned.get("full_name", ""))
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)


class TenantSettingsForm(ScopedModelForm):
    timezone = forms.ChoiceField(label=_("Time zone"), choices=())

    class Meta:
        model = Tenant
        fields = ["name", "language", "timezone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [(z, z) for z in sorted(zoneinfo.available_timezones())]


class ReminderChannelForm(forms.Form):
    reminder_channel = forms.ChoiceField(label=_("How do you want reminders?"), choices=User.ReminderChannel.choices)


class DeadlineSettingsForm(ScopedModelForm):
    class Meta:
        model = DeadlineSettings
        fields = [
            "daily_report_missing_days",
            "monthly_report_due_day",
            "evaluation_due_days",
            "signature_waiting_days",
            "digest_hour",
        ]


class TenantCreateForm(forms.Form):
    name = forms.CharField(label=_("Name of the institution"), max_length=Tenant._meta.get_field("name").max_length)
    slug = forms.SlugField(
        label=_("Short name in addresses"),
        max_length=Tenant._meta.get_field("slug").max_length,
        help_text=_("Letters, digits and hyphens, e.g. kit-coop: the portal's pages are at /t/kit-coop/."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Tenant.Kind.choices)
    admin_email = forms.EmailField(
        label=_("Email address of its first administrator"),
        max_length=Invitation._meta.get_field("email").max_length,
        help_text=_("They receive an invitation by email and choose their own password."),
    )


class AdminInvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=Invitation._meta.get_field("email").max_length)

"""The tenant administrator's SAML settings (coop.saml)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Membership, Role, SamlIdentityProvider
from .uploads import SAML_METADATA, UploadField

RULE_CHOICES = [
    ("", _("Wait for staff approval")),
    (Role.STUDENT, Role.STUDENT.label),
    (Role.FACULTY, Role.FACULTY.label),
    (Role.STAFF, Role.STAFF.label),
]


class SamlIdentityProviderForm(forms.ModelForm):
    metadata_file = UploadField(
        label=_("metadata file"),
        rule=SAML_METADATA,
        required=False,
        help_text=_("The identity provider's metadata (XML), instead of a metadata URL."),
    )

    class Meta:
        model = SamlIdentityProvider
        fields = [
            "is_enabled",
            "entity_id",
            "metadata_url",
            "attr_uid",
            "attr_email",
            "attr_name_ja",
            "attr_name_en",
            "attr_affiliation",
            "role_for_student",
            "role_for_faculty",
            "role_for_staff",
            "require_saml",
            "break_glass_user",
        ]
        help_texts = {
            "entity_id": _("e.g. https://idp.example.ac.jp/idp/shibboleth"),
            "metadata_url": _(
                "GakuNin: https://metadata.gakunin.nii.ac.jp/gakunin-metadata.xml (test federation: "
                "https://metadata.gakunin.nii.ac.jp/gakunin-test-metadata.xml)."
            ),
            "attr_uid": _("eduPersonPrincipalName by default; another attribute that never changes also works."),
            "require_saml": _(
                "Password and sign-in code are refused for members (partner people excepted), except for the "
                "break-glass administrator."
            ),
        }

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["is_enabled", "entity_id", "metadata_url", "metadata_file"])  # the file next to the URL
        for name in ("role_for_student", "role_for_faculty", "role_for_staff"):
            self.fields[name] = forms.ChoiceField(label=self.fields[name].label, choices=RULE_CHOICES, required=False)
        # Only this tenant's administrators (the scope is the request's tenant).
        admins = Membership.objects.filter(tenant=tenant, role=Role.ADMIN, is_active=True).values("user")
        field = self.fields["break_glass_user"]
        field.queryset = field.queryset.model.objects.filter(pk__in=admins).order_by("email")
        field.label_from_instance = lambda user: f"{user.get_full_name()} <{user.email}>"

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("metadata_url")
            and not cleaned.get("metadata_file")
            and not (self.instance.pk and self.instance.metadata_xml)
        ):
            raise forms.ValidationError(_("Give the metadata URL or upload the metadata file."))
        if cleaned.get("require_saml") and not cleaned.get("is_enabled"):
            raise forms.ValidationError(_("Members can be required to use it only while it is on."))
        return cleaned


class MembershipRequestForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (Role.STUDENT, Role.STUDENT.label),
            (Role.FACULTY, Role.FACULTY.label),
            (Role.STAFF, Role.STAFF.label),
        ],
        required=False,
    )

"""The Django admin is for platform operators (superusers) only; TenantMiddleware lifts the
tenant scope for them there, on purpose, and nobody else gets in."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django_scopes import scope

from . import rls, services
from .models import Invitation, Membership, MembershipRequest, SamlIdentityProvider, Tenant, User

admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_superuser", "date_joined"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password", "full_name", "language"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    list_filter = ["is_active", "is_superuser"]
    filter_horizontal = ["groups", "user_permissions"]


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "tenant", "role", "is_active"]
    list_filter = ["tenant", "role"]
    raw_id_fields = ["user"]


class InvitationAddForm(forms.ModelForm):
    """A new invitation in the admin: who, where, which role. The link, its expiry and the
    email come from coop.services.invitation_create, as on the portal's own pages."""

    class Meta:
        model = Invitation
        fields = ["tenant", "email", "role"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("tenant") and cleaned.get("email"):
            try:
                cleaned["email"] = services.invitation_check(tenant=cleaned["tenant"], email=cleaned["email"])
            except ValidationError as error:
                self.add_error("email", error)
        return cleaned


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "tenant", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    exclude = ["token_hash"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = InvitationAddForm
            kwargs["fields"] = InvitationAddForm.Meta.fields
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": InvitationAddForm.Meta.fields})]
        return super().get_fieldsets(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        # Through the service: a token, an expiry, and the email queued after commit.
        with scope(tenant=obj.tenant), rls.tenant(obj.tenant):
            invitation, _token = services.invitation_create(
                tenant=obj.tenant, email=obj.email, role=obj.role, by=request.user
            )
        obj.pk, obj.expires_at, obj._state.adding = invitation.pk, invitation.expires_at, False
        return None


@admin.register(SamlIdentityProvider)
class SamlIdentityProviderAdmin(admin.ModelAdmin):
    """For the operator's rescue: e.g. turning "members must sign in with the institution
    account" off when the IdP is down and no break-glass administrator is left."""

    list_display = ["tenant", "entity_id", "is_enabled", "require_saml", "updated_at"]
    list_filter = ["is_enabled", "require_saml"]
    fields = ["tenant", "is_enabled", "require_saml", "break_glass_user", "entity_id", "metadata_url"]
    readonly_fields = ["tenant", "entity_id", "metadata_url", "break_glass_user"]

    def has_add_permission(self, request):
        return False  # tenants set it up on their settings page (the metadata is checked there)


@admin.register(MembershipRequest)
class MembershipRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "tenant", "state", "created_at"]
    list_filter = ["state"]
    readonly_fields = ["tenant", "user", "affiliation", "created_at", "decided_at", "decided_by"]

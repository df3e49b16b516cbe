"""Institution sign-in by SAML (GakuNin / Shibboleth), on django-allauth's SAML provider.

One home for the rules; allauth (python3-saml) does every piece of SAML itself: signatures,
audience, destination, issuer, validity times. This module
- builds allauth's SAML app per tenant from the tenant's SamlIdentityProvider (no SocialApp
  rows): the organization slug in every SAML address (/accounts/saml/<tenant slug>/acs/) is the
  tenant's slug, and the provider id `saml-<tenant id>` namespaces the unique ids, so one
  tenant's identity provider can never sign anybody into another tenant's accounts;
- refuses an assertion presented twice (replay) and one without the unique-id attribute;
- decides who joins with which role: an existing account (same unique id), a pending
  invitation (same mail), an affiliation rule, or a request staff approve;
- says when a member must sign in through the identity provider (password refused).

Every read and write of a tenant's rows here runs inside that tenant's scope and row-level
security (`_in_tenant`): SAML addresses live outside /t/<slug>/, so no middleware did it.
"""

import datetime
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_scopes import scope, scopes_disabled

from . import rls
from .models import (
    Invitation,
    Membership,
    MembershipRequest,
    Role,
    SamlAssertionUse,
    SamlIdentityProvider,
    Tenant,
)
from .registry import Waiting
from .signals import membership_joined

PROVIDER = "saml"
# In the session of a person signed in by SAML: what single logout must name.
SESSION_KEY = "coop_saml"
# In the session after signing out: the IdP's logout address with our LogoutRequest.
SLO_SESSION_KEY = "coop_saml_slo"
PROVIDER_ID_PREFIX = "saml-"

# Roles an affiliation rule may give (never administrator or partner).
RULE_ROLES = (Role.STUDENT, Role.FACULTY, Role.STAFF)
# The affiliation values with a rule, in the order a person with several is given one.
RULE_AFFILIATIONS = ("faculty", "staff", "student")


class SamlRefused(Exception):
    """A SAML sign-in refused by our rules (not by python3-saml): `code` names which."""

    MESSAGES = {
        "replay": gettext_lazy("This sign-in response was already used. Start again from the sign-in page."),
        "no_uid": gettext_lazy(
            "Your institution's sign-in service did not send your unique ID. Ask the placement office to check "
            "the attributes the identity provider releases."
        ),
        "no_mail": gettext_lazy(
            "Your institution's sign-in service did not send your email address. Ask the placement office to "
            "check the attributes the identity provider releases."
        ),
        "other_institution": gettext_lazy(
            "An account with this email address belongs to another institution's members. Sign in with your "
            "password or sign-in code instead, or ask the placement office."
        ),
        "disabled": gettext_lazy("Sign-in with the institution account is not available for this institution."),
        "connect": gettext_lazy(
            "A university account is not added to an account you are signed in to. Sign out, then sign in with "
            "the university account."
        ),
    }

    def __init__(self, code):
        super().__init__(code)
        self.code = code

    @property
    def message(self):
        return self.MESSAGES[self.code]


@contextmanager
def _in_tenant(tenant):
    with scope(tenant=tenant), rls.tenant(tenant):
        yield


# --- Reading the configuration -----------------------------------------------------------------


def identity_provider_for(tenant, *, enabled_only=False):
    """The tenant's identity provider settings, or None."""
    with _in_tenant(tenant):
        found = SamlIdentityProvider.objects.filter(tenant=tenant).select_related("tenant").first()
    if found is None or (enabled_only and not found.is_enabled):
        return None
    return found


def tenant_of_provider_id(provider_id):
    """The tenant behind an allauth provider id `saml-<tenant id>` (stored on SocialAccount)."""
    if not provider_id.startswith(PROVIDER_ID_PREFIX):
        return None
    try:
        pk = int(provider_id[len(PROVIDER_ID_PREFIX) :])
    except ValueError:
        return None
    return Tenant.objects.filter(pk=pk, is_active=True).first()


def _sp_advanced():
    advanced = {
        # python3-saml checks every signature, audience, destination and time; we ask for more:
        "strict": True,
        "want_assertion_signed": True,
        "reject_idp_initiated_sso": True,
        "reject_deprecated_algorithm": True,
        # Host names without a dot (a test server, an intranet host) are valid SP addresses.
        "allow_single_label_domains": True,
    }
    if settings.SAML_SP_CERTIFICATE and settings.SAML_SP_PRIVATE_KEY:
        # GakuNin's metadata carries the SP's certificate: IdPs encrypt assertions to it, and
        # Shibboleth IdPs want logout requests signed.
        advanced["x509cert"] = settings.SAML_SP_CERTIFICATE
        advanced["private_key"] = settings.SAML_SP_PRIVATE_KEY
        advanced["logout_request_signed"] = True
        advanced["logout_response_signed"] = True
    return advanced


def app_settings(idp):
    """allauth's SocialApp.settings for a tenant's identity provider."""
    if idp.metadata_url:
        # allauth fetches and caches the metadata itself (4 hours): certificate rollovers follow.
        idp_config = {"entity_id": idp.entity_id, "metadata_url": idp.metadata_url}
    else:
        parsed = idp.idp
        idp_config = {
            "entity_id": idp.entity_id,
            "sso_url": parsed.get("sso_url", ""),
            "slo_url": parsed.get("slo_url", ""),
            "x509cert": parsed.get("x509cert", ""),
        }
    return {
        "idp": idp_config,
        "attribute_mapping": {"uid": idp.attr_uid, "email": idp.attr_email},
        "advanced": _sp_advanced(),
        "verified_email": True,  # the institution vouches for its members' addresses
        "organization": {
            "ja": {"name": idp.tenant.slug, "displayname": idp.tenant.name, "url": settings.SITE_URL},
            "en": {"name": idp.tenant.slug, "displayname": idp.tenant.name, "url": settings.SITE_URL},
        },
    }


def social_app(idp):
    """An unsaved allauth SocialApp for the tenant (allauth reads apps through the adapter)."""
    # allauth's models need its app registry ready: imported when first asked for.
    from allauth.socialaccount.models import SocialApp

    return SocialApp(
        provider=PROVIDER,
        provider_id=f"{PROVIDER_ID_PREFIX}{idp.tenant_id}",
        name=idp.tenant.name,
        client_id=idp.tenant.slug,
        settings=app_settings(idp),
    )


def social_apps(*, provider=None, client_id=None):
    """The SAML apps allauth asks for: by organization slug (a tenant's slug) or by provider
    id (`saml-<tenant id>`). Only enabled identity providers of active tenants."""
    if provider not in (None, PROVIDER) and not str(provider).startswith(PROVIDER_ID_PREFIX):
        return []
    tenant = None
    if client_id:
        tenant = Tenant.objects.filter(slug=client_id, is_active=True).first()
    elif provider and provider != PROVIDER:
        tenant = tenant_of_provider_id(provider)
    if tenant is None or (provider not in (None, PROVIDER) and provider != f"{PROVIDER_ID_PREFIX}{tenant.pk}"):
        return []
    idp = identity_provider_for(tenant, enabled_only=True)
    return [social_app(idp)] if idp else []


# --- Attributes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    uid: str
    email: str
    name_ja: str
    name_en: str
    affiliations: tuple  # bare values: "student", "faculty", ...

    @property
    def name(self):
        return self.name_ja or self.name_en


def _first(attributes, name):
    values = attributes.get(name) or []
    return str(values[0]).strip() if values else ""


def person_from_attributes(idp, attributes):
    """What the assertion says about the person, by the tenant's attribute mapping."""
    affiliations = tuple(
        dict.fromkeys(
            str(value).split("@", 1)[0].strip().lower() for value in attributes.get(idp.attr_affiliation) or []
        )
    )
    return Person(
        uid=_first(attributes, idp.attr_uid),
        email=_first(attributes, idp.attr_email).lower(),
        name_ja=_first(attributes, idp.attr_name_ja),
        name_en=_first(attributes, idp.attr_name_en),
        affiliations=affiliations,
    )


# --- Replay --------------------------------------------------------------------------------------


def assertion_use(*, tenant, assertion_id, not_on_or_after):
    """Records an accepted assertion; the same ID a second time is refused (replay). Kept
    until the assertion expires (old rows are removed on the way)."""
    now = timezone.now()
    expires = (
        datetime.datetime.fromtimestamp(not_on_or_after, tz=datetime.UTC)
        if not_on_or_after
        else now + datetime.timedelta(hours=8)
    )
    with _in_tenant(tenant):
        SamlAssertionUse.objects.filter(tenant=tenant, expires_at__lt=now - datetime.timedelta(minutes=5)).delete()
        try:
            with transaction.atomic():
                SamlAssertionUse.objects.create(tenant=tenant, assertion_id=assertion_id or "", expires_at=expires)
        except IntegrityError:
            raise SamlRefused("replay") from None


# --- Who joins with which role -----------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """What a SAML sign-in does in the tenant: `role` to join with (from an invitation or a
    rule), or a membership request (role None, request True), or nothing (already a member)."""

    role: str | None = None
    invitation: Invitation | None = None
    request: bool = False
    removed: bool = False


def _pending_invitation(tenant, email):
    if not email:
        return None
    return (
        Invitation.objects.filter(Invitation.status_q(), tenant=tenant, email__iexact=email)
        .order_by("-created_at")
        .first()
    )


def role_by_rules(idp, affiliations):
    rules = {"student": idp.role_for_student, "faculty": idp.role_for_faculty, "staff": idp.role_for_staff}
    for affiliation in RULE_AFFILIATIONS:
        if affiliation in affiliations and rules[affiliation] in RULE_ROLES:
            return rules[affiliation]
    return None


def join_decide(*, idp, person, user=None):
    """Decides (without writing) what signing in does for `person` (and `user`, if known)."""
    tenant = idp.tenant
    with _in_tenant(tenant):
        if user is not None and user.pk:
            membership = Membership.objects.filter(tenant=tenant, user=user).first()
            if membership is not None:
                return Decision(removed=not membership.is_active)
        invitation = _pending_invitation(tenant, person.email)
    if invitation is not None:
        return Decision(role=invitation.role, invitation=invitation)
    role = role_by_rules(idp, person.affiliations)
    if role:
        return Decision(role=role)
    return Decision(request=True)


def join_apply(*, idp, person, user, decision):
    """Writes what join_decide() decided: a membership (accepting the invitation) or a
    pending request staff will see on the members page. Returns the membership or None."""
    tenant = idp.tenant
    with _in_tenant(tenant), transaction.atomic():
        if decision.invitation is not None:
            # The same service as an accepted invitation link: single use, even under races.
            from .services import invitation_accept  # coop.services imports the mail tasks; kept out of import time

            return invitation_accept(invitation=decision.invitation, user=user)
        if decision.role:
            membership, created = Membership.objects.get_or_create(
                tenant=tenant, user=user, defaults={"role": decision.role}
            )
            if created:
                membership_joined.send(sender=Membership, membership=membership)
            return membership
        if decision.request:
            MembershipRequest.objects.get_or_create(
                tenant=tenant,
                user=user,
                defaults={"affiliation": ", ".join(person.affiliations)},
            )
    return None


def user_update_from_person(*, user, person):
    """Fills the name the identity provider gives when the account has none."""
    if person.name and not user.full_name:
        user.full_name = person.name[:150]
        if user.pk:
            user.save(update_fields=["full_name"])


# --- Membership requests --------------------------------------------------------------------


def membership_requests_pending(tenant):
    return MembershipRequest.objects.filter(tenant=tenant, state=MembershipRequest.State.PENDING).select_related("user")


def membership_request_pending_for(tenant, user):
    with _in_tenant(tenant):
        return MembershipRequest.objects.filter(
            tenant=tenant, user=user, state=MembershipRequest.State.PENDING
        ).exists()


def membership_request_decide(*, membership_request, role, by):
    """Staff approve (with a role) or decline (role None) a pending request."""
    if membership_request.state != MembershipRequest.State.PENDING:
        raise ValidationError(_("This request was already decided."))
    if role is not None and role not in RULE_ROLES + (Role.PARTNER,):
        raise ValidationError(_("Choose a valid role."))
    with transaction.atomic():
        membership_request.state = (
            MembershipRequest.State.APPROVED if role is not None else MembershipRequest.State.DECLINED
        )
        membership_request.decided_at = timezone.now()
        membership_request.decided_by = by
        membership_request.save(update_fields=["state", "decided_at", "decided_by"])
        if role is None:
            return None
        membership, created = Membership.objects.get_or_create(
            tenant=membership_request.tenant, user=membership_request.user, defaults={"role": role}
        )
        if not created:
            membership.role, membership.is_active = role, True
            membership.save(update_fields=["role", "is_active"])
        membership_joined.send(sender=Membership, membership=membership)
    return membership


# --- Password sign-in off -------------------------------------------------------------------


def tenant_requiring_saml(user):
    """The institution (an active one requiring SAML) that refuses `user` a password or code
    sign-in, or None. Partner people are never refused; the break-glass administrator neither."""
    if user is None or not user.pk:
        return None
    # The person's own memberships in every tenant (only their own rows), one query.
    with scopes_disabled(), rls.bypass("saml-password-check"):
        found = (
            SamlIdentityProvider.objects.filter(is_enabled=True, require_saml=True, tenant__is_active=True)
            .filter(
                Exists(
                    Membership.objects.filter(tenant=OuterRef("tenant"), user=user, is_active=True).exclude(
                        role=Role.PARTNER
                    )
                )
            )
            .exclude(break_glass_user=user)
            .select_related("tenant")
            .order_by("tenant__name")
            .first()
        )
    return found.tenant if found else None


def password_refusal_message(tenant):
    return _(
        "%(tenant)s requires its members to sign in with the institution account. Use the button "
        "“Sign in with your university account” (大学のアカウントでログイン) below."
    ) % {"tenant": tenant.name}


def member_elsewhere(user, tenant):
    """Whether `user` has a membership in any tenant but `tenant` (their own rows only)."""
    with scopes_disabled(), rls.bypass("saml-password-check"):
        return Membership.objects.filter(user=user).exclude(tenant=tenant).exists()


# --- Saving the settings ---------------------------------------------------------------------


def metadata_parse(xml, entity_id):
    """The sign-in and logout addresses and signing certificate of `entity_id` in metadata
    (one identity provider's or a whole federation's), or a ValidationError saying why not."""
    # python3-saml's parser (lxml with entities and network off), loaded with the settings page.
    from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

    try:
        parsed = OneLogin_Saml2_IdPMetadataParser.parse(xml, entity_id=entity_id).get("idp") or {}
    except Exception as error:
        raise ValidationError(_("The metadata could not be read: %(error)s") % {"error": error}) from None
    if parsed.get("entityId") != entity_id or not parsed.get("singleSignOnService", {}).get("url"):
        raise ValidationError(_("The metadata has no identity provider with the entity ID %(id)s.") % {"id": entity_id})
    cert = parsed.get("x509cert") or (parsed.get("x509certMulti", {}).get("signing") or [""])[0]
    if not cert:
        raise ValidationError(_("The metadata has no signing certificate for %(id)s.") % {"id": entity_id})
    return {
        "sso_url": parsed["singleSignOnService"]["url"],
        "slo_url": parsed.get("singleLogoutService", {}).get("url", ""),
        "x509cert": cert,
    }


def metadata_fetch(url):
    # python3-saml's fetcher (certificate checked), only when an administrator saves a URL.
    from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

    try:
        return OneLogin_Saml2_IdPMetadataParser.get_metadata(url, timeout=15)
    except Exception as error:
        raise ValidationError(_("The metadata could not be fetched: %(error)s") % {"error": error}) from None


def identity_provider_save(*, idp, metadata_xml=None):
    """Checks the metadata (fetched from the URL, or the uploaded file) names the entity ID,
    keeps what it says, and saves. `idp` is the tenant's (new or changed) settings row."""
    if metadata_xml:
        idp.metadata_xml = metadata_xml
        idp.metadata_url = ""
    source = metadata_fetch(idp.metadata_url) if idp.metadata_url else idp.metadata_xml
    idp.idp = metadata_parse(source, idp.entity_id)
    if (
        idp.break_glass_user_id
        and not Membership.objects.filter(
            tenant=idp.tenant, user_id=idp.break_glass_user_id, role=Role.ADMIN, is_active=True
        ).exists()
    ):
        raise ValidationError(_("The break-glass administrator must be an administrator of this institution."))
    idp.save()
    return idp


def tenants_with_saml():
    """Institutions offering sign-in with their own account (names only), for the sign-in page."""
    with scopes_disabled(), rls.bypass("saml-sign-in-page"):
        return list(
            Tenant.objects.filter(is_active=True, samlidentityprovider__is_enabled=True)
            .order_by("name")
            .values("slug", "name")
        )


# --- Single logout started here -----------------------------------------------------------------


def logout_request_url(request):
    """For a person signed in by SAML whose IdP has a logout service: the IdP's address with a
    LogoutRequest naming them (HTTP-Redirect), else None. Read before the session ends."""
    info = request.session.get(SESSION_KEY)
    if not info:
        return None
    # allauth's SAML helpers import its models: loaded when someone signed in by SAML signs out.
    from allauth.socialaccount.adapter import get_adapter  # (see above)
    from allauth.socialaccount.providers.saml.utils import build_auth  # (see above)
    from onelogin.saml2.errors import OneLogin_Saml2_Error  # (see above)

    try:
        provider = get_adapter().get_provider(request, PROVIDER, client_id=info["tenant"])
        auth = build_auth(request, provider)
        return auth.logout(
            return_to=request.build_absolute_uri(f"{reverse('account_login')}?tenant={info['tenant']}"),
            name_id=info.get("name_id"),
            session_index=info.get("session_index"),
            nq=info.get("nq"),
            name_id_format=info.get("name_id_format"),
            spnq=info.get("spnq"),
        )
    except (OneLogin_Saml2_Error, LookupError, ValueError):
        return None  # no logout service, or the tenant's sign-in was turned off meanwhile


def waiting(request):
    """The dashboard's "waiting for you" for staff: people who signed in and wait for approval
    (coop.registry waiting provider; one query)."""
    if request.membership is None or request.membership.role not in (Role.ADMIN, Role.STAFF):
        return []
    count = MembershipRequest.objects.filter(tenant=request.tenant, state=MembershipRequest.State.PENDING).count()
    url = reverse("coop:members", kwargs={"tenant_slug": request.tenant.slug})
    return [Waiting(gettext_lazy("People who signed in with the university account, waiting for approval"), count, url)]

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from . import saml
from .http import client_ip
from .mail import PORTAL_NAME, site_url, subject_prefix
from .models import User

logger = logging.getLogger("coop.saml")


@dataclass(frozen=True)
class _Portal:
    """What allauth's email templates call `current_site`: the portal's name and SITE_URL's
    host, not the host a request happened to use (e.g. 127.0.0.1:8101)."""

    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request, **credentials):
        # Failed sign-ins are counted per account AND address: wrong passwords typed elsewhere
        # cannot lock the owner out (allauth counts per account alone).
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{client_ip(request)}"

    def is_open_for_signup(self, request):
        # People join an institution through a staff invitation, never by open sign-up.
        return False

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        tenant = saml.tenant_requiring_saml(user) if user else None
        if tenant is not None:
            # Right password, but this institution's members sign in through its identity provider.
            logger.info("password sign-in refused: %s requires SAML (user %s)", tenant.slug, user.pk)
            raise ValidationError(saml.password_refusal_message(tenant), code="saml_required")
        return user

    def logout(self, request):
        # Single logout: the LogoutRequest for the person's IdP is made while the session still
        # names them, and offered (a link: CSP stops a form's redirect elsewhere) on the page after.
        slo_url = saml.logout_request_url(request)
        super().logout(request)
        if slo_url:
            request.session[saml.SLO_SESSION_KEY] = slo_url

    def pre_login(self, request, user, **kwargs):
        # Every other way in (an emailed sign-in code) is closed too; SAML itself is not.
        if "sociallogin" not in (kwargs.get("signal_kwargs") or {}):
            tenant = saml.tenant_requiring_saml(user)
            if tenant is not None:
                # As allauth does for an inactive account: the pending sign-in (by code) ends here.
                from allauth.account.internal.stagekit import clear_login  # allauth's, as in its own pre_login

                clear_login(request)
                messages.error(request, saml.password_refusal_message(tenant))
                return redirect(f"{reverse('account_login')}?tenant={tenant.slug}")
        return super().pre_login(request, user, **kwargs)

    def format_email_subject(self, subject):
        return subject_prefix() + str(subject)

    def render_mail(self, template_prefix, email, context, headers=None):
        # Account emails (password reset, sign-in code, address confirmation) name the portal
        # and link to SITE_URL like every other email, whatever host the request came in on.
        request_root = self.request.build_absolute_uri("/").rstrip("/") if self.request is not None else None
        context = {
            key: site_url(value[len(request_root) :])
            if request_root and isinstance(value, str) and value.startswith(request_root + "/")
            else value
            for key, value in context.items()
        }
        context["current_site"] = _Portal(name=str(PORTAL_NAME), domain=urlsplit(settings.SITE_URL).netloc)
        context["site_root"] = site_url("/")
        return super().render_mail(template_prefix, email, context, headers=headers)


def saml_refusal_response(request, refused, tenant):
    """The page for a SAML sign-in our rules refused (python3-saml's refusals: the
    socialaccount/authentication_error.html template)."""
    logger.warning("SAML sign-in refused (%s) for %s", refused.code, tenant.slug if tenant else "-")
    return render(
        request,
        "coop/saml_refused.html",
        {"refusal": refused.code, "message": refused.message, "tenant": tenant},
        status=403,
    )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Institution sign-in (SAML): the apps come from each tenant's identity provider settings
    (coop.saml), and a sign-in decides the person's membership in that tenant."""

    def list_apps(self, request, provider=None, client_id=None):
        return saml.social_apps(provider=provider, client_id=client_id)

    def is_open_for_signup(self, request, sociallogin):
        # A new person from the institution's own identity provider gets an account; whether they
        # join, and with which role, is decided in pre_social_login (invitation, rule, request).
        return True

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        logger.warning(
            "SAML sign-in refused for %s: %s %s",
            getattr(getattr(provider, "app", None), "client_id", "-"),
            (extra_context or {}).get("saml_errors") or error,
            (extra_context or {}).get("saml_last_error_reason", ""),
        )

    def _tenant_and_idp(self, sociallogin):
        tenant = saml.tenant_of_provider_id(sociallogin.account.provider)
        idp = saml.identity_provider_for(tenant, enabled_only=True) if tenant else None
        return tenant, idp

    def pre_social_login(self, request, sociallogin):
        tenant, idp = self._tenant_and_idp(sociallogin)
        try:
            if idp is None:
                raise saml.SamlRefused("disabled")
            if sociallogin.state.get("process") == "connect":
                # Who joins is decided by the institution's own assertion alone, never by adding
                # its unique id to whatever account happens to be signed in.
                raise saml.SamlRefused("connect")
            person = saml.person_from_attributes(idp, sociallogin.account.extra_data)
            if not person.email:
                raise saml.SamlRefused("no_mail")
            user = sociallogin.user if sociallogin.is_existing else None
            if user is None:
                # Same address as an account without this unique id yet: connect it only when
                # the account is this institution's alone (its identity provider vouches for
                # its own members, never for another institution's or an operator).
                user = User.objects.filter(email__iexact=person.email).first()
                if user is not None:
                    if user.is_superuser or saml.member_elsewhere(user, tenant):
                        raise saml.SamlRefused("other_institution")
                    sociallogin.connect(request, user)
        except saml.SamlRefused as refused:
            raise ImmediateHttpResponse(saml_refusal_response(request, refused, tenant)) from None
        decision = saml.join_decide(idp=idp, person=person, user=user)
        if user is not None:
            saml.user_update_from_person(user=user, person=person)
            saml.join_apply(idp=idp, person=person, user=user, decision=decision)
        joined = not decision.request and not decision.removed
        sociallogin.state["next"] = (
            reverse("coop:dashboard", kwargs={"tenant_slug": tenant.slug})
            if joined
            else reverse("coop:saml_pending", kwargs={"tenant_slug": tenant.slug})
        )

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        tenant, idp = self._tenant_and_idp(sociallogin)
        if idp is not None:
            person = saml.person_from_attributes(idp, sociallogin.account.extra_data)
            user.email = person.email
            saml.user_update_from_person(user=user, person=person)
            user.language = tenant.language or ""
        return user

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form=form)
        tenant, idp = self._tenant_and_idp(sociallogin)
        person = saml.person_from_attributes(idp, sociallogin.account.extra_data)
        decision = saml.join_decide(idp=idp, person=person, user=user)
        saml.join_apply(idp=idp, person=person, user=user, decision=decision)
        return user

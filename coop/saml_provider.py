"""allauth's SAML provider, with the tenant's own checks after python3-saml's (settings:
SOCIALACCOUNT_PROVIDERS["saml"]["provider_class"])."""

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.providers.saml.provider import SAMLProvider

from . import saml


class TenantSAMLProvider(SAMLProvider):
    package = "allauth.socialaccount.providers.saml"  # allauth's own SAML URLs and templates

    def sociallogin_from_response(self, request, response):
        """`response` is python3-saml's processed (signature, audience, times checked) response."""
        # Local: coop.adapters renders pages and imports allauth's account adapter (app loading).
        from .adapters import saml_refusal_response

        tenant = saml.tenant_of_provider_id(self.app.provider_id)
        idp = saml.identity_provider_for(tenant, enabled_only=True) if tenant else None
        try:
            if idp is None:
                raise saml.SamlRefused("disabled")
            saml.assertion_use(
                tenant=tenant,
                assertion_id=response.get_last_assertion_id(),
                not_on_or_after=response.get_last_assertion_not_on_or_after(),
            )
            if not saml.person_from_attributes(idp, response.get_attributes()).uid:
                raise saml.SamlRefused("no_uid")
        except saml.SamlRefused as refused:
            raise ImmediateHttpResponse(saml_refusal_response(request, refused, tenant)) from None
        # What a LogoutRequest to the IdP must name when the person signs out (coop.saml).
        request.session[saml.SESSION_KEY] = {
            "tenant": tenant.slug,
            "name_id": response.get_nameid(),
            "name_id_format": response.get_nameid_format(),
            "nq": response.get_nameid_nq(),
            "spnq": response.get_nameid_spnq(),
            "session_index": response.get_session_index(),
        }
        return super().sociallogin_from_response(request, response)

    def extract_uid(self, data):
        # Only the configured unique-id attribute: a transient NameID would make a new person at
        # every sign-in (sociallogin_from_response refused a response without the attribute).
        return self._extract(data)["uid"]

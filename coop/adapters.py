from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from .http import client_ip
from .mail import PORTAL_NAME, site_url, subject_prefix


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

"""The one templated-email sender. Every email the portal sends (invitations, notifications,
digests, emailed links) is rendered here from `templates/emails/<name>_subject.txt` and
`_body.txt`, in the recipient's language, with the subject prefix and links built from
SITE_URL (never from a request's host)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy

# The portal's name, as its pages call it (templates/base.html).
PORTAL_NAME = gettext_lazy("Co-op Portal")


def site_url(path=""):
    return settings.SITE_URL.rstrip("/") + path


def subject_prefix(tenant=None):
    """What every email subject starts with: EMAIL_SUBJECT_PREFIX when set, else the
    institution's name, else the portal's name (in the active language)."""
    if settings.EMAIL_SUBJECT_PREFIX:
        return settings.EMAIL_SUBJECT_PREFIX
    return f"[{tenant.name if tenant is not None else PORTAL_NAME}] "


def language_for(user, tenant):
    """The recipient's own language, else the tenant's, else the portal's (ja)."""
    return (getattr(user, "language", "") or "") or tenant.language or settings.LANGUAGE_CODE


def mail_send(*, template, context, to, language, message_id=None):
    """`message_id`: the same for every attempt at one email (coop.delivery), so a rare second
    copy after a crash is one message to the recipient's mail client."""
    context = {"site_url": site_url(), **context}
    with translation.override(language):
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        body = render_to_string(f"emails/{template}_body.txt", context)
        prefix = subject_prefix(context.get("tenant"))
    headers = {"Message-ID": message_id} if message_id else None
    EmailMessage(prefix + subject, body, None, to, headers=headers).send()

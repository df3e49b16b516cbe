"""Tasks of the reports app: ids in, loaded inside the tenant's scope, one service or email."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_scopes import scope

from coop.models import Tenant


@shared_task
def send_access_link(*, tenant_id, link_id, token):
    """Emails a partner supervisor their link, in the tenant's language (they may have no account)."""
    from .models import AccessLink

    tenant = Tenant.objects.get(pk=tenant_id)
    with scope(tenant=tenant):
        link = AccessLink.objects.select_related(
            "placement__student", "placement__partner", "placement__theme", "contact__user", "created_by"
        ).get(pk=link_id, tenant=tenant)
        path = reverse("reports:link", kwargs={"tenant_slug": tenant.slug, "token": token})
        context = {"link": link, "placement": link.placement, "tenant": tenant, "url": settings.SITE_URL + path}
        user = link.contact.user
        language = (user.language if user else "") or tenant.language or settings.LANGUAGE_CODE
        with translation.override(language):
            subject = render_to_string("emails/reports/access_link_subject.txt", context).strip()
            body = render_to_string("emails/reports/access_link_body.txt", context)
        send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, [link.email])

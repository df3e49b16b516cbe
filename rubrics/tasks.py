"""Tasks of the rubrics app: ids in, loaded inside the tenant's scope."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_scopes import scope

from coop.models import Tenant


@shared_task
def send_rater_link(*, tenant_id, link_id, token):
    """Emails a partner person their assessment link, in their language or the tenant's."""
    from .models import RaterLink

    tenant = Tenant.objects.get(pk=tenant_id)
    with scope(tenant=tenant):
        link = RaterLink.objects.select_related(
            "window__rubric", "placement__student", "placement__theme", "contact__user"
        ).get(pk=link_id, tenant=tenant)
        path = reverse("rubrics:rater_link", kwargs={"tenant_slug": tenant.slug, "token": token})
        context = {"link": link, "placement": link.placement, "tenant": tenant, "url": settings.SITE_URL + path}
        user = link.contact.user
        language = (user.language if user else "") or tenant.language or settings.LANGUAGE_CODE
        with translation.override(language):
            subject = render_to_string("emails/rubrics/rater_link_subject.txt", context).strip()
            body = render_to_string("emails/rubrics/rater_link_body.txt", context)
        send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, [link.email])

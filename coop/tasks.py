"""Celery tasks take ids and a tenant id, and run inside that tenant's scope."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_scopes import scope

from .models import Invitation, Tenant


@shared_task
def send_invitation_email(*, tenant_id, invitation_id, token):
    tenant = Tenant.objects.get(pk=tenant_id)
    with scope(tenant=tenant):
        invitation = Invitation.objects.select_related("invited_by").get(pk=invitation_id, tenant=tenant)
        path = reverse("coop:invitation_accept", kwargs={"tenant_slug": tenant.slug, "token": token})
        context = {"invitation": invitation, "tenant": tenant, "url": settings.SITE_URL + path}
        with translation.override(tenant.language or settings.LANGUAGE_CODE):
            subject = render_to_string("emails/invitation_subject.txt", context).strip()
            body = render_to_string("emails/invitation_body.txt", context)
        send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, [invitation.email])

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


@shared_task
def send_notification(*, tenant_id, model, object_id, event, user_ids, note=""):
    from django.apps import apps

    from .models import User

    tenant = Tenant.objects.get(pk=tenant_id)
    with scope(tenant=tenant):
        obj = apps.get_model(model).objects.get(pk=object_id, tenant=tenant)
        url = settings.SITE_URL + obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else settings.SITE_URL
        for recipient in User.objects.filter(pk__in=user_ids, is_active=True):
            context = {"obj": obj, "recipient": recipient, "tenant": tenant, "url": url, "note": note}
            with translation.override(recipient.language or tenant.language or settings.LANGUAGE_CODE):
                subject = render_to_string(f"emails/{event}_subject.txt", context).strip()
                body = render_to_string(f"emails/{event}_body.txt", context)
            send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, [recipient.email])

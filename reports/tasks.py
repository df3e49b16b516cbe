"""Tasks of the reports app: ids in, loaded inside the tenant's scope, one service or email."""

from django.urls import reverse

from coop.mail import language_for, mail_send, site_url
from coop.tenant_tasks import tenant_task

from .models import AccessLink


@tenant_task
def send_access_link(*, tenant, link_id, token):
    """Emails a partner supervisor their link, in the tenant's language (they may have no account)."""

    link = AccessLink.objects.select_related(
        "placement__student", "placement__partner", "placement__theme", "contact__user", "created_by"
    ).get(pk=link_id, tenant=tenant)
    path = reverse("reports:link", kwargs={"tenant_slug": tenant.slug, "token": token})
    mail_send(
        template="reports/access_link",
        context={"link": link, "placement": link.placement, "tenant": tenant, "url": site_url(path)},
        to=[link.email],
        language=language_for(link.contact.user, tenant),
    )

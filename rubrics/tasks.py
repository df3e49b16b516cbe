"""Tasks of the rubrics app: ids in, loaded inside the tenant's scope."""

from django.urls import reverse

from coop.mail import language_for, mail_send, site_url
from coop.tenant_tasks import tenant_task

from .models import RaterLink


@tenant_task
def send_rater_link(*, tenant, link_id, token):
    """Emails a partner person their assessment link, in their language or the tenant's."""

    link = RaterLink.objects.select_related(
        "window__rubric", "placement__student", "placement__theme", "contact__user"
    ).get(pk=link_id, tenant=tenant)
    path = reverse("rubrics:rater_link", kwargs={"tenant_slug": tenant.slug, "token": token})
    mail_send(
        template="rubrics/rater_link",
        context={"link": link, "placement": link.placement, "tenant": tenant, "url": site_url(path)},
        to=[link.email],
        language=language_for(link.contact.user, tenant),
    )

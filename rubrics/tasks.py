"""Tasks of the rubrics app: ids in, loaded inside the tenant's scope."""

from django.urls import reverse

from coop.delivery import deliver_once, delivery_message_id
from coop.mail import language_for, mail_send, site_url
from coop.sweeper import links_reissue_unsent
from coop.tenant_tasks import queue, tenant_task
from coop.tokens import hash_token

from .models import RaterLink


@tenant_task
def send_rater_link(*, tenant, link_id, token):
    """Emails a partner person their assessment link once, in their language or the tenant's.
    A message whose token the sweeper replaced sends nothing (coop.sweeper)."""

    link = (
        RaterLink.objects.select_related("window__rubric", "placement__student", "placement__theme", "contact__user")
        .filter(pk=link_id, tenant=tenant)
        .first()
    )
    if link is None:
        return False
    path = reverse("rubrics:rater_link", kwargs={"tenant_slug": tenant.slug, "token": token})
    return deliver_once(
        link,
        lambda: mail_send(
            template="rubrics/rater_link",
            context={"link": link, "placement": link.placement, "tenant": tenant, "url": site_url(path)},
            to=[link.email],
            language=language_for(link.contact.user, tenant),
            message_id=delivery_message_id(link),
        ),
        token_hash=hash_token(token),
    )


def sweep_links(tenant):
    """coop.sweeper: rater links whose email never went out."""

    def send(link, token):
        queue(send_rater_link, tenant_id=tenant.pk, link_id=link.pk, token=token)

    return {"rater links": links_reissue_unsent(RaterLink, send, tenant=tenant)}

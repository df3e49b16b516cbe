"""Tasks of the rubrics app: ids in, loaded inside the tenant's scope."""

from coop.delivery import link_email_once
from coop.sweeper import links_reissue_unsent
from coop.tenant_tasks import queue, tenant_task

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
    return link_email_once(
        link, tenant=tenant, url_name="rubrics:rater_link", template="rubrics/rater_link", token=token
    )


def sweep_links(tenant):
    """coop.sweeper: rater links whose email never went out."""

    def send(link, token):
        queue(send_rater_link, tenant_id=tenant.pk, link_id=link.pk, token=token)

    return {"rater links": links_reissue_unsent(RaterLink, send, tenant=tenant)}

"""Tasks of the reports app: ids in, loaded inside the tenant's scope, one service or email."""

from coop.delivery import link_email_once
from coop.sweeper import links_reissue_unsent
from coop.tenant_tasks import queue, tenant_task

from .models import AccessLink


@tenant_task
def send_access_link(*, tenant, link_id, token):
    """Emails a partner supervisor their link once, in the tenant's language (they may have no
    account). A message whose token the sweeper replaced sends nothing (coop.sweeper)."""

    link = (
        AccessLink.objects.select_related(
            "placement__student", "placement__partner", "placement__theme", "contact__user", "created_by"
        )
        .filter(pk=link_id, tenant=tenant)
        .first()
    )
    if link is None:
        return False
    return link_email_once(link, tenant=tenant, url_name="reports:link", template="reports/access_link", token=token)


def sweep_links(tenant):
    """coop.sweeper: feedback and evaluation links whose email never went out."""

    def send(link, token):
        queue(send_access_link, tenant_id=tenant.pk, link_id=link.pk, token=token)

    return {"access links": links_reissue_unsent(AccessLink, send, tenant=tenant)}

"""Tasks of the surveys app: ids in, loaded inside the tenant's scope."""

from coop.delivery import link_email_once
from coop.sweeper import links_reissue_unsent
from coop.tenant_tasks import queue, tenant_task

from .models import SurveyLink


@tenant_task
def send_survey_link(*, tenant, link_id, token):
    """Emails a partner person their survey link once, in their language or the tenant's.
    A message whose token the sweeper replaced sends nothing (coop.sweeper)."""
    link = (
        SurveyLink.objects.select_related(
            "response__round__form", "response__placement__student", "response__placement__theme", "contact__user"
        )
        .filter(pk=link_id, tenant=tenant)
        .first()
    )
    if link is None:
        return False
    return link_email_once(
        link, tenant=tenant, url_name="surveys:survey_link", template="surveys/survey_link", token=token
    )


def sweep_links(tenant):
    """coop.sweeper: survey links whose email never went out."""

    def send(link, token):
        queue(send_survey_link, tenant_id=tenant.pk, link_id=link.pk, token=token)

    return {"survey links": links_reissue_unsent(SurveyLink, send, tenant=tenant)}

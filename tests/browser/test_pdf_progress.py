"""Issue 11 item 18 in the browser: issuing an agreement answers at once, the PDF is rendered
after the response (as `make run` does without a broker), and the page shows its progress and
swaps in the PDF link and, for the partner waiting to sign, the signing form (htmx polling)."""

import pytest
from django_scopes import scopes_disabled

from coop.models import Role
from placements.models import Agreement, AgreementVersion
from placements.services import agreements as services

from ..factories import PartnerFactory, ThemeFactory, member, partner_person
from .test_coop_flow import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_agreement_page_shows_the_pdf_once_rendered_after_the_response(browser, live_server, settings):
    settings.TASKS_AFTER_RESPONSE = True  # as in `make run`: the render runs after the response
    partner = PartnerFactory(name="Hokuriku Data Systems")
    tenant = partner.tenant
    staff = member(tenant, Role.STAFF, email="staff@kit.example.jp", full_name="Office Staff")
    partner_person(partner, email="boss@hds.example.jp", full_name="Partner Boss")
    theme = ThemeFactory(tenant=tenant, partner=partner)
    with scopes_disabled():
        agreement = services.agreement_create(
            tenant=tenant, kind=Agreement.Kind.AGREEMENT, partner=partner, theme=theme, title="", by=staff
        )
    office = login(browser, live_server, staff.email)
    office.goto(agreement.get_absolute_url())
    office.get_by_role("button", name="Issue for signature", exact=True).click()
    office.wait_for_load_state()
    with scopes_disabled():
        version = AgreementVersion.objects.get(agreement=agreement)
    office.get_by_role("link", name="Read version 1 (PDF)").wait_for(timeout=30_000)
    with scopes_disabled():
        assert AgreementVersion.objects.get(pk=version.pk).pdf_state == AgreementVersion.PdfState.READY
    boss = login(browser, live_server, "boss@hds.example.jp")
    boss.goto(agreement.get_absolute_url())
    boss.get_by_label("Your full name").wait_for(timeout=30_000)

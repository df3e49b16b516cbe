"""Every main page passes axe-core's WCAG 2 A/AA rules with no serious or critical finding,
on a desktop and on a 390 px phone. axe-core is vendored for the tests only."""

from pathlib import Path

import pytest
from django_scopes import scopes_disabled

from coop.models import Role
from placements.models import ReflectionDialogue

from ..clock import jst
from ..factories import (
    PASSWORD,
    ApplicationFactory,
    PartnerFactory,
    PlacementFactory,
    ThemeFactory,
    UserFactory,
    member,
    partner_person,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def violations(page):
    # Evaluated by the browser's devtools, not added as a <script>: the pages' Content-Security-
    # Policy allows no inline script, and a test must not loosen it.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}});
            return result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
        }"""
    )
    return found


def sign_in(browser, live_server, email, width):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.locator("form.login button[type=submit]").click()
    page.wait_for_load_state()
    return page


@pytest.mark.parametrize("width", [1280, 390])
def test_main_pages_have_no_serious_accessibility_findings(browser, live_server, width):
    theme = ThemeFactory(tenant__slug="a11y", is_public=True)
    tenant = theme.tenant
    staff = member(tenant, Role.STAFF, email="staff@a11y.example.jp")
    student = member(tenant, Role.STUDENT, email="student@a11y.example.jp")
    partner_person(theme.partner, email="partner@a11y.example.jp")
    application = ApplicationFactory(theme=theme, student=student)
    ApplicationFactory(theme=theme, student=member(tenant, Role.STUDENT), state="accepted")
    UserFactory(email="operator@a11y.example.jp", is_superuser=True, is_staff=True)
    placement = PlacementFactory(theme=theme, student=student)
    running = PlacementFactory(theme=theme, student=student, state="active")
    with scopes_disabled():
        dialogue = ReflectionDialogue.objects.create(
            tenant=tenant, placement=running, number=1, scheduled_at=jst(2026, 11, 1, 16)
        )
    PartnerFactory(tenant=tenant)
    base = f"/t/{tenant.slug}"

    anonymous = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900}).new_page()
    # A control: axe does run and does report, so an empty result below means something.
    anonymous.goto("/accounts/login/")
    anonymous.evaluate("document.body.insertAdjacentHTML('beforeend', '<img src=\"x.png\">')")
    assert any(v.startswith("image-alt") for v in violations(anonymous))

    findings = {}
    for path in ["/accounts/login/", f"{base}/projects/", f"{base}/projects/{theme.pk}/"]:
        anonymous.goto(path)
        findings[path] = violations(anonymous)

    page = sign_in(browser, live_server, staff.email, width)
    for path in [
        f"{base}/",
        f"{base}/themes/",
        f"{base}/themes/{theme.pk}/",
        f"{base}/themes/new/",
        f"{base}/partners/",
        f"{base}/partners/{theme.partner_id}/",
        f"{base}/applications/{application.pk}/",
        f"{base}/placements/",
        f"{base}/placements/{placement.pk}/",
        f"{base}/placements/{placement.pk}/orientation/",
        f"{base}/placements/{running.pk}/reflections/new/",
        f"{base}/reflections/{dialogue.pk}/",
        f"{base}/agreements/",
        f"{base}/imports/",
        f"{base}/members/",
        f"{base}/invitations/",
        f"{base}/applications/accepted/",
    ]:
        assert page.goto(path).status == 200, path
        findings[path] = violations(page)

    company = sign_in(browser, live_server, "partner@a11y.example.jp", width)
    for path in [f"{base}/", f"{base}/themes/propose/", f"{base}/themes/{theme.pk}/"]:
        assert company.goto(path).status == 200, path
        findings["partner " + path] = violations(company)

    operator = sign_in(browser, live_server, "operator@a11y.example.jp", width)
    for path in ["/", "/operator/institutions/"]:
        assert operator.goto(path).status == 200, path
        findings["operator " + path] = violations(operator)

    phone = sign_in(browser, live_server, student.email, width)
    for path in [f"{base}/", f"{base}/themes/{theme.pk}/", f"{base}/applications/"]:
        phone.goto(path)
        findings["student " + path] = violations(phone)

    assert {path: found for path, found in findings.items() if found} == {}

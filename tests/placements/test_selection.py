import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scopes_disabled

from coop.models import Role
from placements.models import Application, Theme
from placements.selectors.selection import pledge_for
from placements.services import selection as services

from ..factories import ApplicationFactory, PartnerFactory, ThemeFactory, member, partner_person
from ..html import body_rows

pytestmark = pytest.mark.django_db


def url(name, tenant, **kwargs):
    return reverse(f"placements:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


def test_student_applies_through_the_page_and_partner_is_told(
    client, tenant, members, django_capture_on_commit_callbacks
):
    partner = PartnerFactory(tenant=tenant)
    person = partner_person(partner, email="boss@partner.example.jp")
    theme = ThemeFactory(tenant=tenant, partner=partner, title="製造DX")
    client.force_login(members[Role.STUDENT])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("theme_apply", tenant, pk=theme.pk), {"motivation": "データで現場を良くしたい"})
    assert response.status_code == 302
    recipients = {m.to[0] for m in mail.outbox}
    assert person.email in recipients and members[Role.STAFF].email in recipients
    assert any("製造DX" in m.subject for m in mail.outbox)
    again = client.post(url("theme_apply", tenant, pk=theme.pk), {"motivation": "もう一度"})
    assert "このテーマにはすでに応募しています。" in again.content.decode()
    with scopes_disabled():
        assert Application.objects.filter(theme=theme).count() == 1


def test_cannot_apply_to_a_theme_that_is_not_open(in_tenant, members):
    theme = ThemeFactory(tenant=in_tenant, state=Theme.State.SELECTING)
    with pytest.raises(ValidationError) as refused:
        services.application_submit(theme=theme, student=members[Role.STUDENT], motivation="x")
    assert refused.value.messages == ["このテーマは応募を受け付けていません。"]


def test_only_students_of_the_tenant_can_apply(in_tenant, other_tenant):
    theme = ThemeFactory(tenant=in_tenant)
    with pytest.raises(ValidationError) as refused:
        services.application_submit(theme=theme, student=member(other_tenant, Role.STUDENT), motivation="x")
    assert refused.value.messages == ["応募できるのはこの機関の学生だけです。"]


def test_selection_stops_at_capacity_and_fills_the_theme(in_tenant, members):
    staff = members[Role.STAFF]
    theme = ThemeFactory(tenant=in_tenant, capacity=2, state=Theme.State.SELECTING)
    applications = [ApplicationFactory(theme=theme, student=member(in_tenant, Role.STUDENT)) for _ in range(3)]
    services.application_select(application=applications[0], by=staff)
    services.application_select(application=applications[1], by=staff)
    theme.refresh_from_db()
    assert theme.state == Theme.State.FILLED
    with pytest.raises(ValidationError) as refused:
        services.application_select(application=applications[2], by=staff)
    assert refused.value.messages == ["このテーマの定員2名はすべて埋まっています。"]
    applications[2].refresh_from_db()
    assert applications[2].state == Application.State.SUBMITTED


def test_selection_fills_a_theme_that_is_still_open(in_tenant, members):
    # Issue 11 item 8: an open theme whose places are all taken is filled too (not 募集中).
    staff = members[Role.STAFF]
    theme = ThemeFactory(tenant=in_tenant, capacity=2, state=Theme.State.OPEN)
    applications = [ApplicationFactory(theme=theme, student=member(in_tenant, Role.STUDENT)) for _ in range(3)]
    services.application_select(application=applications[0], by=staff)
    services.application_select(application=applications[1], by=staff)
    theme.refresh_from_db()
    assert theme.state == Theme.State.FILLED
    with pytest.raises(ValidationError) as refused:
        services.application_select(application=applications[2], by=staff)
    assert refused.value.messages == ["このテーマの定員2名はすべて埋まっています。"]
    applications[2].refresh_from_db()
    assert applications[2].state == Application.State.SUBMITTED


def test_only_the_student_accepts_then_the_office_issues_the_pledge(in_tenant, members):
    student = members[Role.STUDENT]
    application = ApplicationFactory(theme=ThemeFactory(tenant=in_tenant), student=student)
    services.application_select(application=application, by=members[Role.STAFF])
    with pytest.raises(ValidationError) as refused:
        services.application_accept(application=application, by=members[Role.STAFF])
    assert refused.value.messages == ["承諾できるのは学生本人だけです。"]
    services.application_accept(application=application, by=student)
    with pytest.raises(ValidationError) as refused:
        services.application_prepare_pledge(application=application, by=student)
    assert refused.value.messages == ["これは事務局だけが行えます。"]
    services.application_prepare_pledge(application=application, by=members[Role.STAFF])
    with pytest.raises(ValidationError) as refused:
        services.application_prepare_pledge(application=application, by=members[Role.STAFF])
    assert refused.value.messages == ["実施誓約書はすでに発行されています。"]
    pledge = pledge_for(application)
    assert pledge.kind == "student_pledge"
    assert pledge.state == "issued"
    assert pledge.versions.count() == 1


def test_partner_selects_from_the_page_but_not_for_another_partner(client, tenant, members):
    mine, other = PartnerFactory(tenant=tenant), PartnerFactory(tenant=tenant)
    person = partner_person(mine)
    own = ApplicationFactory(theme=ThemeFactory(tenant=tenant, partner=mine), student=members[Role.STUDENT])
    foreign = ApplicationFactory(theme=ThemeFactory(tenant=tenant, partner=other), student=members[Role.STUDENT])
    client.force_login(person)
    client.post(url("application_action", tenant, pk=own.pk, action="select"))
    assert client.post(url("application_action", tenant, pk=foreign.pk, action="select")).status_code == 404
    own.refresh_from_db()
    foreign.refresh_from_db()
    assert (own.state, foreign.state) == ("selected", "submitted")


def test_student_cannot_select_themselves(client, tenant, members):
    application = ApplicationFactory(theme=ThemeFactory(tenant=tenant), student=members[Role.STUDENT])
    client.force_login(members[Role.STUDENT])
    assert client.post(url("application_action", tenant, pk=application.pk, action="select")).status_code == 403


def test_interviews_are_recorded_with_notes(client, tenant, members):
    application = ApplicationFactory(theme=ThemeFactory(tenant=tenant), student=members[Role.STUDENT])
    client.force_login(members[Role.STAFF])
    client.post(
        url("interview_add", tenant, pk=application.pk),
        {"kind": "pre_interview", "held_at": "2026-05-10T10:00", "notes": "意欲が高い"},
    )
    page = client.get(url("application_detail", tenant, pk=application.pk)).content.decode()
    assert "意欲が高い" in page


@pytest.mark.parametrize("rows", [1, 3])
def test_application_list_queries_do_not_grow(client, tenant, members, django_assert_num_queries, rows):
    shown_as = []
    for _ in range(rows):
        theme, student = ThemeFactory(tenant=tenant), member(tenant, Role.STUDENT)
        ApplicationFactory(theme=theme, student=student)
        shown_as.append(f"{student.full_name} {theme.title} {theme.partner.name} ")
    client.force_login(members[Role.STAFF])
    # session, user, tenant, membership, program and term choices, the count, the page of
    # applications with student, theme and partner
    with django_assert_num_queries(8):
        page = client.get(url("application_list", tenant))
    assert page.status_code == 200
    shown = body_rows(page.text)
    assert len(shown) == rows
    assert all(any(row.startswith(start) for row in shown) for start in shown_as), (shown, shown_as)


def test_attachment_download_is_served_by_django_and_logged(client, tenant, members):
    from django.core.files.base import ContentFile

    from coop.models import DownloadLog

    application = ApplicationFactory(theme=ThemeFactory(tenant=tenant), student=members[Role.STUDENT])
    with scopes_disabled():
        application.file.save("cv.pdf", ContentFile(b"%PDF-1.4 cv"), save=True)
    client.force_login(members[Role.STAFF])
    response = client.get(url("application_file", tenant, pk=application.pk))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 cv"
    assert response["Content-Security-Policy"] == "sandbox"
    with scopes_disabled():
        log = DownloadLog.objects.get()
    assert (log.tenant_id, log.user_id, log.what) == (
        tenant.pk,
        members[Role.STAFF].pk,
        f"application_file:{application.pk}",
    )


def test_a_filled_theme_offers_no_selection_and_reopens_when_a_place_frees(client, tenant, members):
    """Issue 11 item 8: with every place taken the page says so instead of offering 選抜する."""
    staff = members[Role.STAFF]
    theme = ThemeFactory(tenant=tenant, capacity=1, state=Theme.State.OPEN)
    first = ApplicationFactory(theme=theme, student=member(tenant, Role.STUDENT))
    second = ApplicationFactory(theme=theme, student=member(tenant, Role.STUDENT))
    client.force_login(staff)
    client.post(url("application_action", tenant, pk=first.pk, action="select"))
    with scopes_disabled():
        theme.refresh_from_db()
    assert theme.state == Theme.State.FILLED
    page = client.get(url("application_detail", tenant, pk=second.pk)).content.decode()
    assert "このテーマの定員1名はすべて埋まっています。" in page
    assert "action/select/" not in page and ">選抜する<" not in page
    client.post(url("application_action", tenant, pk=second.pk, action="select"))
    with scopes_disabled():
        second.refresh_from_db()
        assert second.state == Application.State.SUBMITTED
        # The selected student declines: the place is free and selection goes on.
        services.application_decline(application=first, by=first.student)
        theme.refresh_from_db()
    assert theme.state == Theme.State.SELECTING
    client.cookies.pop("messages", None)  # the refusal above was flashed for the next page
    page = client.get(url("application_detail", tenant, pk=second.pk)).content.decode()
    assert "埋まっています" not in page

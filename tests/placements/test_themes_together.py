"""Themes set together (合意): the partner proposes and edits a draft with the office, both
comment, each side confirms; with both confirmations (who, when) the theme is agreed. An edit
after one side confirmed withdraws the other side's confirmation, and says so."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scopes_disabled

from coop.models import Role
from coop.workflow import history_for
from placements.models import Theme, ThemeComment
from placements.services import themes as services

from ..factories import PartnerFactory, PractitionerFacultyFactory, ProgramFactory, ThemeFactory, partner_person

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def url(name, tenant, **kwargs):
    return reverse(f"placements:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


@pytest.fixture
def partner(tenant):
    return PartnerFactory(tenant=tenant, name="北陸精機")


@pytest.fixture
def person(partner):
    return partner_person(partner, email="boss@hokuriku-seiki.example.jp")


@pytest.fixture
def draft(tenant, partner):
    return ThemeFactory(tenant=tenant, partner=partner, state=Theme.State.DRAFT, title="検査工程の自動化")


def fresh(theme):
    with scopes_disabled():
        return Theme.objects.get(pk=theme.pk)


def fields(theme, **changes):
    values = {
        "title": theme.title,
        "program": theme.program_id,
        "track": theme.track,
        "description": theme.description,
        "capacity": theme.capacity,
        "duration_months": theme.duration_months,
    }
    return {**values, **changes}


def test_partner_proposes_a_draft_theme_and_the_office_is_told(
    client, tenant, members, partner, person, django_capture_on_commit_callbacks
):
    program = ProgramFactory(tenant=tenant)
    client.force_login(person)
    assert client.get(url("theme_propose", tenant)).status_code == 200
    data = {"title": "画像検査AI", "program": program.pk, "track": "project_theme", "description": "不良品を見つける。"}
    data |= {"capacity": 2, "duration_months": 6}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("theme_propose", tenant), data, **EN)
    assert response.status_code == 302
    with scopes_disabled():
        theme = Theme.objects.get(title="画像検査AI")
    assert (theme.partner, theme.state, theme.created_by) == (partner, Theme.State.DRAFT, person)
    assert members[Role.STAFF].email in {m.to[0] for m in mail.outbox}
    assert any("画像検査AI" in m.subject for m in mail.outbox)


def test_a_partner_proposes_only_for_their_own_partner(tenant, person):
    other = PartnerFactory(tenant=tenant)
    with scopes_disabled(), pytest.raises(ValidationError) as refused:
        services.theme_propose(
            partner=other, by=person, title="x", description="x", program=ProgramFactory(tenant=tenant)
        )
    assert refused.value.code == "not_partner"


def test_both_confirmations_are_recorded_and_then_the_theme_is_agreed(client, tenant, members, draft, person):
    staff = members[Role.STAFF]
    client.force_login(staff)
    page = client.post(url("theme_confirm", tenant, pk=draft.pk), follow=True, **EN)
    assert "Your side confirmed the theme; the other side is asked to confirm." in page.text
    theme = fresh(draft)
    assert theme.state == Theme.State.DRAFT
    assert theme.institution_confirmed_by == staff and theme.institution_confirmed_at is not None
    assert theme.partner_confirmed_at is None

    client.force_login(person)
    page = client.post(url("theme_confirm", tenant, pk=draft.pk), follow=True, **EN)
    assert "Both sides confirmed: the theme is agreed." in page.text
    theme = fresh(draft)
    assert theme.state == Theme.State.AGREED
    assert (theme.institution_confirmed_by, theme.partner_confirmed_by) == (staff, person)
    assert f"Confirmed by {person}" in page.text and f"Confirmed by {staff}" in page.text
    with scopes_disabled():
        actions = [h.action for h in history_for(theme)]
    assert actions[:3] == ["theme.agreed", "theme.confirmed_partner", "theme.confirmed_institution"]


def test_a_side_confirms_once_and_only_a_draft(tenant, members, draft, person):
    with scopes_disabled():
        services.theme_confirm(theme=draft, by=person)
        with pytest.raises(ValidationError) as refused:
            services.theme_confirm(theme=draft, by=person)
        assert refused.value.code == "already_confirmed"
        services.theme_transition(theme=draft, to=Theme.State.AGREED, by=members[Role.STAFF])
        with pytest.raises(ValidationError) as refused:
            services.theme_confirm(theme=draft, by=members[Role.STAFF])
        assert refused.value.code == "not_draft"


def test_only_the_two_sides_confirm_and_comment(tenant, members, draft):
    outsider_partner = partner_person(PartnerFactory(tenant=tenant))
    for who in (members[Role.FACULTY], members[Role.STUDENT], outsider_partner):
        with scopes_disabled(), pytest.raises(ValidationError) as refused:
            services.theme_confirm(theme=draft, by=who)
        assert refused.value.code == "no_side"
        with scopes_disabled(), pytest.raises(ValidationError) as refused:
            services.theme_comment_add(theme=draft, by=who, body="意見")
        assert refused.value.code == "no_side"


def test_another_partners_person_does_not_even_see_the_draft(client, tenant, draft):
    client.force_login(partner_person(PartnerFactory(tenant=tenant)))
    assert client.get(url("theme_detail", tenant, pk=draft.pk)).status_code == 404
    assert client.post(url("theme_confirm", tenant, pk=draft.pk)).status_code == 404
    assert client.get(url("theme_edit", tenant, pk=draft.pk)).status_code == 404
    assert fresh(draft).partner_confirmed_at is None


def test_a_staff_edit_after_the_partner_confirmed_withdraws_their_confirmation(
    client, tenant, members, draft, person, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        services.theme_confirm(theme=draft, by=person)
    client.force_login(members[Role.STAFF])
    data = fields(draft, partner=draft.partner_id, description="範囲を広げた。")
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(url("theme_edit", tenant, pk=draft.pk), data, follow=True, **EN)
    assert "The partner had confirmed it: their confirmation was withdrawn" in page.text
    theme = fresh(draft)
    assert (theme.description, theme.partner_confirmed_at, theme.partner_confirmed_by) == ("範囲を広げた。", None, None)
    assert person.email in {m.to[0] for m in mail.outbox}  # asked to confirm again


def test_a_partner_edit_after_the_office_confirmed_withdraws_the_offices_confirmation(
    client, tenant, members, draft, person
):
    with scopes_disabled():
        services.theme_confirm(theme=draft, by=members[Role.STAFF])
    client.force_login(person)
    assert client.get(url("theme_edit", tenant, pk=draft.pk)).status_code == 200
    page = client.post(url("theme_edit", tenant, pk=draft.pk), fields(draft, capacity=3), follow=True, **EN)
    assert "The placement office had confirmed it: its confirmation was withdrawn" in page.text
    theme = fresh(draft)
    assert (theme.capacity, theme.institution_confirmed_at) == (3, None)


def test_an_edit_keeps_the_editors_own_confirmation(client, tenant, members, draft, person):
    with scopes_disabled():
        services.theme_confirm(theme=draft, by=person)
    client.force_login(person)
    page = client.post(url("theme_edit", tenant, pk=draft.pk), fields(draft, capacity=3), follow=True, **EN)
    assert "Theme saved." in page.text and "withdrawn" not in page.text
    assert fresh(draft).partner_confirmed_by == person


def test_the_partner_changes_only_a_draft(client, tenant, members, draft, person):
    with scopes_disabled():
        services.theme_transition(theme=draft, to=Theme.State.AGREED, by=members[Role.STAFF])
    client.force_login(person)
    assert client.get(url("theme_edit", tenant, pk=draft.pk)).status_code == 403
    with scopes_disabled(), pytest.raises(ValidationError) as refused:
        services.theme_save(tenant=tenant, theme=fresh(draft), by=person, title="変更")
    assert refused.value.code == "not_draft"


def test_back_to_draft_clears_both_confirmations(tenant, members, draft, person):
    with scopes_disabled():
        services.theme_confirm(theme=draft, by=members[Role.STAFF])
        services.theme_confirm(theme=draft, by=person)
        assert fresh(draft).state == Theme.State.AGREED
        services.theme_transition(theme=draft, to=Theme.State.DRAFT, by=members[Role.STAFF])
    theme = fresh(draft)
    assert (theme.institution_confirmed_at, theme.partner_confirmed_at) == (None, None)


def test_both_sides_comment_and_read_each_other(client, tenant, members, draft, person):
    client.force_login(person)
    client.post(url("theme_comment", tenant, pk=draft.pk), {"body": "期間を6か月にしたい。"})
    refused = client.post(url("theme_comment", tenant, pk=draft.pk), {"body": "  "}, follow=True, **EN)
    assert "Write a comment." in refused.text
    client.force_login(members[Role.STAFF])
    page = client.get(url("theme_detail", tenant, pk=draft.pk))
    assert "期間を6か月にしたい。" in page.text and str(person) in page.text
    with scopes_disabled():
        assert ThemeComment.objects.filter(theme=draft).count() == 1


def test_the_theme_page_names_its_practitioner_faculty(client, tenant, members, partner):
    practitioner = PractitionerFacultyFactory(contact__partner=partner, contact__full_name="実務 一郎")
    theme = ThemeFactory(tenant=tenant, partner=partner, practitioner=practitioner)
    client.force_login(members[Role.STUDENT])
    page = client.get(url("theme_detail", tenant, pk=theme.pk), **EN)
    assert "Practitioner faculty" in page.text
    assert "実務 一郎 (実務家教員)" in page.text


def test_the_dashboards_say_whose_confirmation_is_waited_for(client, tenant, members, draft, person):
    client.force_login(person)
    dashboard = reverse("coop:dashboard", kwargs={"tenant_slug": tenant.slug})
    assert "Draft themes waiting for your confirmation" in client.get(dashboard, **EN).text
    client.post(url("theme_confirm", tenant, pk=draft.pk))
    assert "Draft themes waiting for your confirmation" not in client.get(dashboard, **EN).text
    client.force_login(members[Role.STAFF])
    assert "Themes the partner confirmed, waiting for yours" in client.get(dashboard, **EN).text

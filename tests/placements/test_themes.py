import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coop.models import Role
from placements.models import Program, Theme
from placements.services import themes as services

from ..factories import PartnerFactory, ProgramFactory, ThemeFactory, member
from ..html import body_rows

pytestmark = pytest.mark.django_db


def url(name, tenant, **kwargs):
    return reverse(f"placements:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


def test_theme_walks_its_states_and_records_history(in_tenant, members):
    staff = members[Role.STAFF]
    theme = ThemeFactory(tenant=in_tenant, state=Theme.State.DRAFT)
    for state in ("agreed", "open", "selecting", "filled", "closed"):
        theme = services.theme_transition(theme=theme, to=state, by=staff)
    assert theme.state == "closed"
    from coop.workflow import history_for

    assert [h.to_state for h in history_for(theme)] == ["closed", "filled", "selecting", "open", "agreed"]
    with pytest.raises(ValidationError) as refused:
        services.theme_transition(theme=theme, to="open", by=staff)
    assert refused.value.messages == ["「終了」から「募集中」には変更できません。"]


def test_draft_cannot_jump_to_open(in_tenant, members):
    theme = ThemeFactory(tenant=in_tenant, state=Theme.State.DRAFT)
    with pytest.raises(ValidationError) as refused:
        services.theme_transition(theme=theme, to="open", by=members[Role.STAFF])
    assert refused.value.messages == ["「下書き」から「募集中」には変更できません。"]
    theme.refresh_from_db()
    assert theme.state == "draft"


def test_capacity_defaults_to_two_and_duration_follows_the_program(in_tenant, members):
    coop = ProgramFactory(tenant=in_tenant, kind=Program.Kind.COOP, min_months=4, max_months=12)
    partner = PartnerFactory(tenant=in_tenant)
    theme = services.theme_save(
        tenant=in_tenant,
        by=members[Role.STAFF],
        program=coop,
        partner=partner,
        title="DX",
        description="...",
        duration_months=6,
    )
    assert theme.capacity == 2
    with pytest.raises(ValidationError) as refused:
        services.theme_save(
            tenant=in_tenant,
            by=members[Role.STAFF],
            program=coop,
            partner=partner,
            title="短すぎ",
            description="...",
            duration_months=1,
        )
    assert refused.value.message_dict == {"duration_months": ["このプログラムの就業期間は4〜12か月です。"]}


def test_only_open_themes_can_be_published_and_they_leave_the_index_when_closed(client, tenant, members):
    staff = members[Role.STAFF]
    draft = ThemeFactory(tenant=tenant, state=Theme.State.DRAFT, title="下書きテーマ")
    client.force_login(staff)
    response = client.post(url("theme_publish", tenant, pk=draft.pk), {"public": "1"}, follow=True)
    draft.refresh_from_db()
    assert draft.is_public is False
    assert "message error" in response.content.decode()

    open_theme = ThemeFactory(tenant=tenant, state=Theme.State.OPEN, title="公開テーマ")
    client.post(url("theme_publish", tenant, pk=open_theme.pk), {"public": "1"})
    client.logout()
    index = client.get(url("public_theme_index", tenant)).content.decode()
    assert "公開テーマ" in index and "下書きテーマ" not in index
    assert client.get(url("public_theme_detail", tenant, pk=open_theme.pk)).status_code == 200
    assert client.get(url("public_theme_detail", tenant, pk=draft.pk)).status_code == 404

    client.force_login(staff)
    client.post(url("theme_transition", tenant, pk=open_theme.pk, state="cancelled"))
    client.logout()
    assert client.get(url("public_theme_detail", tenant, pk=open_theme.pk)).status_code == 404


def test_public_index_never_shows_another_tenants_theme(client, tenant, other_tenant):
    foreign = ThemeFactory(tenant=other_tenant, state=Theme.State.OPEN, is_public=True, title="他校の公開テーマ")
    assert "他校の公開テーマ" not in client.get(url("public_theme_index", tenant)).content.decode()
    assert client.get(url("public_theme_detail", tenant, pk=foreign.pk)).status_code == 404
    assert client.get(url("public_theme_index", other_tenant)).status_code == 200
    assert client.get(reverse("placements:public_theme_index", kwargs={"tenant_slug": "nope"})).status_code == 404


def test_students_do_not_see_draft_themes(client, tenant, members):
    draft = ThemeFactory(tenant=tenant, state=Theme.State.DRAFT, title="非公開の下書き")
    client.force_login(members[Role.STUDENT])
    assert "非公開の下書き" not in client.get(url("theme_list", tenant)).content.decode()
    assert client.get(url("theme_detail", tenant, pk=draft.pk)).status_code == 404


def test_partner_person_sees_only_their_partners_themes(client, tenant, members):
    from ..factories import partner_person

    mine, other = PartnerFactory(tenant=tenant), PartnerFactory(tenant=tenant)
    ThemeFactory(tenant=tenant, partner=mine, title="自社テーマ", state=Theme.State.DRAFT)
    hidden = ThemeFactory(tenant=tenant, partner=other, title="他社テーマ")
    client.force_login(partner_person(mine))
    listing = client.get(url("theme_list", tenant)).content.decode()
    assert "自社テーマ" in listing and "他社テーマ" not in listing
    assert client.get(url("theme_detail", tenant, pk=hidden.pk)).status_code == 404


def test_theme_form_offers_only_this_tenants_partners(client, tenant, other_tenant, members):
    PartnerFactory(tenant=other_tenant, name="他校の企業")
    PartnerFactory(tenant=tenant, name="自校の企業")
    client.force_login(members[Role.STAFF])
    page = client.get(url("theme_create", tenant)).content.decode()
    assert "自校の企業" in page and "他校の企業" not in page


@pytest.mark.parametrize("rows", [1, 3])
def test_theme_list_queries_do_not_grow(client, tenant, members, django_assert_num_queries, rows):
    themes = [ThemeFactory(tenant=tenant) for _ in range(rows)]
    client.force_login(members[Role.STAFF])
    # session, user, tenant, membership, state counts, program and term choices, the count,
    # the page of themes with counts
    with django_assert_num_queries(9):
        page = client.get(url("theme_list", tenant))
    assert page.status_code == 200
    shown = body_rows(page.text)
    assert len(shown) == rows
    for theme in themes:  # title, then its partner further along the row
        assert any(row.startswith(f"{theme.title} ") and f" {theme.partner.name} " in row for row in shown)


def test_staff_member_of_other_tenant_cannot_transition_by_id(client, tenant, other_tenant):
    theme = ThemeFactory(tenant=tenant, state=Theme.State.DRAFT)
    client.force_login(member(other_tenant, Role.STAFF))
    assert client.post(url("theme_transition", other_tenant, pk=theme.pk, state="agreed")).status_code == 404
    theme.refresh_from_db()
    assert theme.state == "draft"


def test_the_public_page_sends_each_reader_somewhere_that_works(client, tenant, members):
    """Issue 11 item 8: "ログインして応募" led a partner person to a 404 (another partner's theme)."""
    theme = ThemeFactory(tenant=tenant, state=Theme.State.OPEN, is_public=True)
    public = url("public_theme_detail", tenant, pk=theme.pk)
    apply = url("public_theme_apply", tenant, pk=theme.pk)
    theme_page = url("theme_detail", tenant, pk=theme.pk)
    page = client.get(public).content.decode()
    assert apply in page and theme_page not in page
    response = client.get(apply)  # sign in first, then come back to the same link
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=" + apply
    client.force_login(members[Role.PARTNER])  # a partner person of another partner
    assert client.get(apply)["Location"] == public
    page = client.get(public).content.decode()
    assert "プロジェクトに応募できるのはこの機関の学生だけです。" in page and theme_page not in page
    assert client.get(theme_page).status_code == 404  # why it must not be linked
    client.force_login(members[Role.STUDENT])
    assert client.get(apply)["Location"] == theme_page
    page = client.get(public).content.decode()
    assert theme_page in page and "テーマのページから応募する" in page
    assert client.get(theme_page).status_code == 200
    assert client.get(url("public_theme_apply", tenant, pk=ThemeFactory(tenant=tenant).pk)).status_code == 404

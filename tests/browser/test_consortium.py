"""Journey: a consortium of regional universities (seed 004, issue 13). The consortium's
coordinator, who belongs to no university, publishes the common program (phases 就活前・就活・
定着, a rubric, an agreement template); the admins of two member universities each adopt it into
their own institution; a year of placements later, the coordinator's aggregate page shows the
figures of both members and their total, small cells suppressed, and a member's staff see their
own row beside the total, never the other member's."""

import datetime

import pytest
import time_machine
from django_scopes import scopes_disabled

from consortium import services
from consortium.models import Adoption
from coop.models import Role

from ..consortium.helpers import place
from ..factories import TenantFactory, UserFactory, member
from .conftest import screenshot
from .test_accessibility import violations
from .test_journey_coordinator import at, click, follow, message, nav, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.slow]

ALL = ("offer_received", "hired_in_japan", "hired_by_partner", "stayed_in_region")
OFFER_JAPAN = ("offer_received", "hired_in_japan")


def test_a_common_program_adopted_by_two_members_and_its_shared_figures(browser, live_server):
    with time_machine.travel(at(2026, 4, 10), tick=True) as clock:
        consortium = services.consortium_create(
            name="北陸留学生キャリア形成・地域定着コンソーシアム", slug="hokuriku-career"
        )
        coordinator = UserFactory(email="consortium@example.jp", full_name="コンソーシアム 事務局")
        services.consortium_coordinator_add(consortium=consortium, user=coordinator)
        universities = []
        for name, slug, domain in (
            ("北陸工科大学", "hokuriku-tech", "univ"),
            ("金沢グローバル大学", "kanazawa-global", "kgu"),
        ):
            tenant = TenantFactory(name=name, slug=slug)
            services.consortium_member_add(consortium=consortium, tenant=tenant, joined_on=datetime.date(2026, 4, 1))
            admin = member(tenant, Role.ADMIN, email=f"admin@{domain}.example.jp", full_name=f"{name} 管理者")
            staff = member(tenant, Role.STAFF, email=f"staff@{domain}.example.jp", full_name=f"{name} 事務")
            universities.append((tenant, admin, staff))

        # 1. The coordinator (a member of no university) publishes the common program.
        office = sign_in(browser, live_server, coordinator.email)
        follow(office, consortium.name)
        assert office.get_by_role("heading", name=consortium.name).is_visible()
        follow(office, "共通プログラム")
        follow(office, "新しい版を公開する")
        office.get_by_label("プログラム名").fill("留学生キャリア形成・地域定着プログラム")
        # by name: each survey form block of the page has a "説明" of its own
        office.locator("textarea[name=description]").fill(
            "連携大学で共通化した、留学生の日本企業への就職と地域定着の支援プログラム。"
        )
        office.locator("select[name=rubric_template]").select_option("five_abilities")
        office.get_by_label("ルーブリック名").fill("留学生キャリア形成ルーブリック")
        office.get_by_label("就活前").fill("日本の企業文化の授業、地域企業の見学、インターンシップ。")
        office.get_by_label("就活", exact=True).fill("面接指導、合同企業説明会。")
        office.get_by_label("定着", exact=True).fill("入社後1年間のフォローアップ面談。")
        office.get_by_label("ひな形：コーオプ教育協定書").fill(
            "第1条（目的）留学生のキャリア形成と地域定着を目的とする。"
        )
        office.get_by_label("変更点").fill("初版")
        click(office, "公開する")
        assert "共通プログラムの第1版を公開しました" in message(office)
        assert office.get_by_text("就活前").first.is_visible()
        screenshot(office, "consortium_program_published")
        assert violations(office) == []

        # 2. Each member's admin adopts it into their own university.
        for tenant, admin, _staff in universities:
            clock.shift(datetime.timedelta(hours=2))
            admin_page = sign_in(browser, live_server, admin.email)
            nav(admin_page, "コンソーシアム")
            assert "第1版" in admin_page.locator("main").inner_text()
            click(admin_page, "共通プログラムを採用する")
            assert "共通プログラムを採用しました" in message(admin_page)
            assert "自機関は第1版に合わせています。" in admin_page.locator("main").inner_text()
            if tenant.slug == "hokuriku-tech":
                screenshot(admin_page, "consortium_member_adopted")
                assert violations(admin_page) == []
            admin_page.context.close()
        with scopes_disabled():
            adoptions = {a.tenant.slug: a for a in Adoption.objects.select_related("tenant", "program", "rubric")}
        assert sorted(adoptions) == ["hokuriku-tech", "kanazawa-global"]

        # 3. A year of the program (made here, not clicked): 6 and 7 students with outcomes.
        place(adoptions["hokuriku-tech"], [ALL, ALL, ALL, ALL, ALL, OFFER_JAPAN], pre=[2] * 6, post=[3] * 6)
        place(
            adoptions["kanazawa-global"],
            [ALL, ALL, OFFER_JAPAN, OFFER_JAPAN, OFFER_JAPAN, None, None],
            pre=[1] * 7,
            post=[3] * 7,
        )
        clock.move_to(at(2026, 11, 30))

        # 4. The coordinator's aggregate page: both members and the total (hand count).
        office.context.close()  # months later: a new sign-in
        office = sign_in(browser, live_server, coordinator.email)
        follow(office, consortium.name)
        follow(office, "共有の集計")
        rows = {
            row.locator("th").inner_text(): row.locator("td").all_inner_texts()[1:]
            for row in office.locator("table.figures tr").all()
            if row.locator("th[scope=row]").count()
        }
        # (No survey was asked: its two columns read "–", not a count.)
        assert rows == {
            "北陸工科大学": ["6", "6", "1", "6", "6", "5", "5", "+1.00", "–", "–"],
            "金沢グローバル大学": ["7", "7", "1", "5", "5", "5未満", "5未満", "+2.00", "–", "–"],
            # 7 hired by the partner and 7 stayed: minus 北陸's 5 each would tell 金沢's 2.
            "コンソーシアム合計": ["13", "13", "2", "11", "11", "5未満", "5未満", "+1.54", "–", "–"],
        }
        screenshot(office, "consortium_figures_coordinator")
        assert violations(office) == []

        # 5. A member's staff: their own row beside the total, nothing of the other member.
        _tenant, _admin, staff = universities[0]
        member_page = sign_in(browser, live_server, staff.email)
        nav(member_page, "コンソーシアム")
        follow(member_page, "コンソーシアムのページ")
        follow(member_page, "共有の集計")
        table = member_page.locator("table.figures").inner_text()
        assert "北陸工科大学" in table and "コンソーシアム合計" in table and "金沢グローバル大学" not in table
        screenshot(member_page, "consortium_figures_member")

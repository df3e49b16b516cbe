"""Journey: a coordinator-run practical internship (seed 002, 北海道チャレンジコミュニティ), in
Japanese, as each of its people would walk it with what the portal offers today.

The regional coordinator (staff of a `coordinator` tenant) sets a project with a company and
publishes it on the public project index; a student reads the index without signing in, signs
in from the project page and applies after doing the pre-assignment; the coordinator holds the
pre-interview; the company selects; the student accepts and signs the pledge, which the
coordinator countersigns; the coordinator creates a three-month placement on three set weekdays
(Mon, Wed, Thu) and starts it; the student writes daily reports on a phone and the monthly
report; the company gives feedback and evaluates; the coordinator reads the dashboard and the
compliance page, and completes the placement.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django_scopes import scopes_disabled

from coop.models import Role, Tenant
from placements.models import Application
from reports.models import DailyReport, Evaluation, MonthlyReport

from ..factories import PASSWORD, PartnerFactory, ProgramFactory, TenantFactory, TermFactory, member, partner_person
from .conftest import screenshot, unfold_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.slow]

JST = zoneinfo.ZoneInfo("Asia/Tokyo")


def at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, tzinfo=JST)


def new_page(browser, live_server, *, phone=False, locale="ja-JP"):
    if phone:
        size = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
    else:
        size = {"viewport": {"width": 1200, "height": 900}}
    context = browser.new_context(base_url=live_server.url, locale=locale, **size)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


# The login page's email and password fields and button, in the browser's language.
LOGIN = {"ja-JP": ("メールアドレス", "パスワード", "ログイン"), "en-US": ("Email", "Password", "Sign in")}


def fill_login(page, email, *, locale="ja-JP"):
    email_label, password_label, button = LOGIN[locale]
    page.get_by_label(email_label).fill(email)
    page.get_by_label(password_label).fill(PASSWORD)
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()


def sign_in(browser, live_server, email, *, phone=False, locale="ja-JP"):
    """A person opens the portal in a fresh browser and signs in; lands on their dashboard."""
    page = new_page(browser, live_server, phone=phone, locale=locale)
    page.goto("/accounts/login/")
    fill_login(page, email, locale=locale)
    return page


def click(page, name):
    page.get_by_role("button", name=name, exact=True).first.click()
    page.wait_for_load_state()


def follow(page, name, *, within=None):
    (within or page).get_by_role("link", name=name, exact=True).first.click()
    page.wait_for_load_state()


def nav(page, name):
    unfold_menu(page)
    follow(page, name, within=page.locator("nav.mainnav"))


def office_tool(page, name):
    """An entry of the office tools menu (事務局) of the main navigation."""
    menu = page.locator("nav.mainnav")
    unfold_menu(page)
    menu.locator("summary").click()
    follow(page, name, within=menu)


def open_application(page, student):
    """Applications in the main navigation, then the student's row."""
    nav(page, "応募")
    follow(page, student, within=page.locator("tbody"))


def open_placement(page, student):
    """Placements in the main navigation, then the student's row."""
    nav(page, "就業")
    follow(page, student, within=page.locator("tbody"))


def message(page):
    return page.locator("ul.messages").inner_text()


def badge(page):
    return page.locator("h1 .badge").inner_text()


def test_coordinator_run_practical_internship(browser, live_server):
    with time_machine.travel(at(2026, 6, 1), tick=True) as clock:
        tenant = TenantFactory(name="北海道チャレンジコミュニティ", slug="hokkaido-cc", kind=Tenant.Kind.COORDINATOR)
        program = ProgramFactory(
            tenant=tenant, name="実践型インターンシップ（北見）", kind="practical_internship", min_months=1
        )
        TermFactory(program=program, name="2026年度 夏", starts_on=datetime.date(2026, 7, 1))
        coordinator = member(tenant, Role.STAFF, email="coordinator@hcc.example.jp", full_name="北見 理沙")
        student = member(tenant, Role.STUDENT, email="hanako@student.example.jp", full_name="札幌 花子")
        company = PartnerFactory(tenant=tenant, name="株式会社オホーツク木工", industry="木製品製造業")
        boss = partner_person(company, email="kimura@okhotsk-wood.example.jp", full_name="木村 健一")
        title = "地域材を使った新商品をオンラインで売る"

        # 1. 6/1 The coordinator sets the project with the company and publishes it.
        office = sign_in(browser, live_server, coordinator.email)
        assert office.get_by_role("heading", name="ダッシュボード").is_visible()
        nav(office, "テーマ")
        follow(office, "新しいテーマ")
        office.get_by_label("題名").fill(title)
        office.get_by_label("プログラム").select_option(label=program.name)
        office.get_by_label("期", exact=True).select_option(label=f"{program.name} 2026年度 夏")
        office.get_by_label("連携先").select_option(label=company.name)
        office.get_by_label("説明").fill("北見の木工所と、地域材の新商品をECサイトで販売するまでを一緒につくる。")
        office.get_by_label("期間（月）").fill("3")
        office.get_by_label("学生数").fill("1")
        office.get_by_label("報酬").fill("時給 1,000円")
        office.get_by_label("就業場所").fill("北海道北見市")
        click(office, "保存")
        assert message(office) == "テーマを保存しました。"
        assert badge(office) == "下書き"
        click(office, "連携先と合意済みにする")
        click(office, "募集中")
        assert badge(office) == "募集中"
        click(office, "公開一覧に掲載する")
        assert message(office) == "テーマを公開プロジェクト一覧に掲載しました。"
        assert office.get_by_text("このテーマは公開プロジェクト一覧で誰でも読めます。").is_visible()
        # The project's pre-assignment (事前課題), due in three weeks.
        follow(office, "事前課題を追加")
        office.get_by_label("題名").fill("地域材の商品アイデア")
        office.get_by_label("課題の説明").fill("北見の地域材を使った商品のアイデアを3つ挙げてください。")
        office.get_by_label("締切").fill("2026-06-20T17:00")
        click(office, "保存")
        assert office.get_by_role("link", name="地域材の商品アイデア").is_visible()
        assert office.get_by_text("締切 2026-06-20 17:00").is_visible()
        screenshot(office, "journey-coordinator-01-project-published")

        # 2. 6/3 A student finds the project on the public index without signing in, on a phone.
        clock.move_to(at(2026, 6, 3, 20))
        phone = new_page(browser, live_server, phone=True)
        phone.goto(f"/t/{tenant.slug}/projects/")
        assert phone.get_by_role("heading", name="北海道チャレンジコミュニティのプロジェクト").is_visible()
        card = phone.locator("article.panel")
        assert card.count() == 1
        assert card.locator("p.muted").inner_text() == "株式会社オホーツク木工 · 実践型インターンシップ"
        screenshot(phone, "journey-coordinator-02-public-index-phone")
        follow(phone, title)
        facts = phone.locator("dl.facts").inner_text()
        assert "3か月" in facts and "時給 1,000円" in facts and "北海道北見市" in facts, facts
        # Anyone may enter a coordinator's project (tests/browser/test_entry.py); a member
        # signs in to apply instead.
        assert phone.get_by_role("heading", name="このプロジェクトにエントリー").is_visible()
        assert phone.get_by_text("すでにメンバーですか？").is_visible()
        follow(phone, "ログインして応募")
        fill_login(phone, student.email)
        # Signed in, the student is back on the project, with the pre-assignment and the way to apply.
        assert phone.get_by_role("heading", name=title).is_visible()
        follow(phone, "地域材の商品アイデア")
        phone.get_by_label("解答").fill("1. 白樺のスマホスタンド 2. 端材の積み木 3. 木のキーホルダー")
        click(phone, "提出")
        follow(phone, f"← {title}")
        follow(phone, "このテーマに応募する")
        phone.get_by_label("志望動機").fill("地元の木工の魅力を全国に届ける仕事をつくってみたいです。")
        click(phone, "応募を送信")
        assert message(phone) == "応募を送信しました。"
        assert badge(phone) == "提出済み"
        screenshot(phone, "journey-coordinator-03-applied-phone")

        # 3. 6/8 The coordinator sees the applicant waiting, reads the pre-assignment answer and
        #    records the pre-interview (事前面談).
        clock.move_to(at(2026, 6, 8))
        office = sign_in(browser, live_server, coordinator.email)
        waiting = office.locator("section.panel", has=office.get_by_role("heading", name="応募", exact=True))
        assert waiting.locator(".big-number").inner_text() == "1"
        follow(office, "応募を見る")
        row = office.locator("tbody tr")
        assert row.count() == 1
        assert row.inner_text().split("\t") == ["札幌 花子", title, company.name, "2026-06-03", "提出済み"]
        follow(office, "札幌 花子")
        assert office.get_by_text("地元の木工の魅力を全国に届ける仕事をつくってみたいです。").is_visible()
        follow(office, f"← {title}")
        follow(office, "地域材の商品アイデア")
        submission = office.locator("section.card", has=office.get_by_role("heading", name="札幌 花子"))
        assert "白樺のスマホスタンド" in submission.inner_text()
        open_application(office, "札幌 花子")
        office.locator("summary", has_text="面談を記録").click()
        office.get_by_label("種別").select_option(label="事前面談")
        office.get_by_label("日時").fill("2026-06-08T14:00")
        office.get_by_label("メモ").fill("オンラインで面談。動機が明確で、夏休みから週3日通える。")
        click(office, "保存")
        assert message(office) == "面談を記録しました。"
        interviews = office.locator("section.card", has=office.get_by_role("heading", name="面談")).inner_text()
        assert "事前面談 2026-06-08 14:00 · 北見 理沙" in interviews, interviews

        # 4. 6/10 The company reads the application and the coordinator's notes, and selects.
        clock.move_to(at(2026, 6, 10))
        desk = sign_in(browser, live_server, boss.email)
        nav(desk, "応募")
        follow(desk, "札幌 花子")
        assert "動機が明確で" in desk.locator("section.card", has=desk.get_by_role("heading", name="面談")).inner_text()
        click(desk, "選抜する")
        assert message(desk) == "応募者を選抜しました。"
        assert badge(desk) == "選抜"
        screenshot(desk, "journey-coordinator-04-company-selected")

        # 5. The student accepts the offer from the dashboard.
        phone = sign_in(browser, live_server, student.email, phone=True)
        mine = phone.locator("section.panel", has=phone.get_by_role("heading", name="応募できるテーマ"))
        assert mine.locator("li", has_text=title).locator(".badge").inner_text() == "選抜"
        follow(phone, title, within=mine)
        click(phone, "承諾する")
        # Told what happens next, not asked to sign a pledge that does not exist yet.
        assert message(phone) == (
            "承諾しました。これから事務局が実施誓約書を準備します。署名できるようになったらお知らせします。"
        )

        # 6. The coordinator issues the pledge; the student signs it; the coordinator countersigns.
        office = sign_in(browser, live_server, coordinator.email)
        open_application(office, "札幌 花子")
        assert badge(office) == "学生が承諾"
        click(office, "実施誓約書を発行")
        phone.reload()
        follow(phone, "実施誓約書に署名する")
        phone.get_by_label("あなたの氏名").fill("札幌 花子")
        phone.get_by_label("この版の文書を読み、氏名を入力して署名します。").check()
        click(phone, "署名する")
        office.reload()
        pledge = office.locator("section.card", has=office.get_by_role("heading", name="実施誓約書"))
        follow(office, pledge.get_by_role("link").inner_text(), within=pledge)
        office.get_by_label("あなたの氏名").fill("北見 理沙")
        office.get_by_label("この版の文書を読み、氏名を入力して署名します。").check()
        click(office, "署名する")
        assert badge(office) == "発効"
        screenshot(office, "journey-coordinator-05-pledge-in-force")

        # 7. The coordinator creates the placement: 3 months, Mondays, Wednesdays and Thursdays.
        open_application(office, "札幌 花子")
        follow(office, "就業を登録する")
        office.get_by_label("開始日").fill("2026-08-03")
        office.get_by_label("終了日").fill("2026-10-30")
        office.get_by_label("勤務形態").select_option(label="曜日指定")
        for day in ("月", "水", "木"):
            office.get_by_label(day, exact=True).check()
        office.get_by_label("木村 健一").check()
        click(office, "保存")
        assert message(office) == "就業を登録しました。"
        assert badge(office) == "予定"
        facts = office.locator("dl.facts").inner_text()
        assert "2026-08-03 – 2026-10-30" in facts and "曜日指定: 月 水 木" in facts and "木村 健一" in facts, facts
        with scopes_disabled():
            assert Application.objects.get().state == Application.State.PLACED
        # The one place is taken: the coordinator closes recruiting; the project leaves the index.
        follow(office, title)
        click(office, "募集を締め切って選考に入る")
        click(office, "定員充足にする")
        assert badge(office) == "定員充足"
        visitor = new_page(browser, live_server)
        visitor.goto(f"/t/{tenant.slug}/projects/")
        assert visitor.get_by_text("現在募集中のプロジェクトはありません。").is_visible()

        # 8. 8/3 (Mon) First day: the coordinator starts the placement; the student writes the
        #    day's report on a phone from the dashboard's "today" link; again on Wednesday.
        clock.move_to(at(2026, 8, 3, 9))
        office = sign_in(browser, live_server, coordinator.email)
        open_placement(office, "札幌 花子")
        click(office, "就業を開始する")
        assert badge(office) == "就業中"
        for day, did in [(3, "工房の見学と、ECサイトの現状を聞き取った。"), (5, "競合商品の価格を20件調べた。")]:
            clock.move_to(at(2026, 8, day, 18))
            phone = sign_in(browser, live_server, student.email, phone=True)
            nav(phone, "今日の日報")
            phone.get_by_label("就業時間").fill("6")
            phone.get_by_label("実施内容").fill(did)
            phone.get_by_label("学んだこと").fill("作り手の話を直接聞くと、商品の説明が書きやすい。")
            click(phone, "提出")
            assert message(phone) == f"2026-08-{day:02d}の日報を提出しました。"
        screenshot(phone, "journey-coordinator-06-daily-report-phone")
        # Thursday 8/6 passes without a report.

        # 9. Friday 8/7 (no work scheduled) The coordinator's compliance page shows who is behind.
        clock.move_to(at(2026, 8, 7, 10))
        office = sign_in(browser, live_server, coordinator.email)
        office_tool(office, "提出状況")
        follow(office, "テーマ別")  # groups first: by partner, or by theme
        by_theme = office.locator("section.card", has=office.get_by_role("heading", name="テーマ別"))
        # Mon 8/3 and Wed 8/5 reported, Thu 8/6 missed: 2 of 3 working days so far.
        assert by_theme.locator("thead th").first.inner_text() == "名称"  # of a theme, not a person (氏名)
        assert by_theme.locator("tbody tr").inner_text().split("\t") == [title, "1", "67%", "1", "0", "0", "0"]
        follow(office, "遅れ 0")  # the drill-down to the people behind
        behind = office.locator("section.card", has=office.get_by_role("heading", name="遅れ"))
        # One missed day is under the tenant's reminder threshold (2 working days).
        assert behind.locator("tbody").inner_text() == "遅れている人はいません。"
        screenshot(office, "journey-coordinator-07-compliance")

        # 10. 9/1 The student writes the monthly report of August from the placement's calendar.
        clock.move_to(at(2026, 9, 1, 19))
        phone = sign_in(browser, live_server, student.email, phone=True)
        follow(phone, f"札幌 花子 @ {company.name}")
        follow(phone, "報告を開く")
        follow(phone, "← 2026-08")
        # August: 13 working days (Mon, Wed, Thu from 8/3), 2 reported at 6 hours each.
        assert phone.locator("dl.rollup dd").all_inner_texts() == ["2", "11", "0", "12"]
        assert phone.locator("td.day-submitted").count() == 2
        follow(phone, "2026-08", within=phone.locator("ul.month-list"))
        phone.get_by_label("月のまとめ").fill("商品アイデアを3つに絞り、試作品の写真撮影をした。")
        phone.get_by_label("振り返り").fill("週3日だと前回の続きを思い出すのに時間がかかる。日報を読み返して始める。")
        click(phone, "月報を提出")
        assert message(phone) == "月報を提出しました。"
        screenshot(phone, "journey-coordinator-08-monthly-report-phone")

        # 11. 9/2 The company gives its feedback on the monthly report from its dashboard.
        clock.move_to(at(2026, 9, 2, 11))
        desk = sign_in(browser, live_server, boss.email)
        follow(desk, "札幌 花子 · 2026-08")
        desk.get_by_role("textbox", name="フィードバック").fill("試作品の写真がとても良い。次は価格を決めよう。")
        click(desk, "フィードバックを送信")
        assert message(desk) == "フィードバックを保存し、学生に知らせました。"
        phone.reload()  # the student's monthly report, still open on her phone
        assert phone.locator("p.answer", has_text="試作品の写真がとても良い。").is_visible()
        with scopes_disabled():
            report = MonthlyReport.objects.get()
            # No faculty in a coordinator tenant: the report stays submitted, with the feedback.
            assert (report.state, report.days_reported, report.days_missed) == ("submitted", 2, 11)
            assert report.partner_feedback_by == boss

        # 12. 10/29 The company writes its evaluation; 10/30 the coordinator completes the placement.
        clock.move_to(at(2026, 10, 29, 15))
        desk = sign_in(browser, live_server, boss.email)
        follow(desk, f"札幌 花子 @ {company.name}")
        follow(desk, "報告を開く")
        follow(desk, "評価を開く")
        follow(desk, "評価を書く")
        for criterion in ("課題発見力", "実践力", "協働する力", "報告・連絡・相談", "主体性"):
            desk.get_by_role("group", name=criterion).get_by_label("4", exact=True).check()
        desk.get_by_label("就業中に見られた強み").fill("作り手の話をよく聞き、言葉にする力。")
        desk.get_by_label("コメント").fill("来年も学生を受け入れたい。")
        click(desk, "評価を提出")
        assert message(desk) == "評価を提出しました。"
        screenshot(desk, "journey-coordinator-09-company-evaluation")
        clock.move_to(at(2026, 10, 30, 17))
        office = sign_in(browser, live_server, coordinator.email)
        placements_panel = office.locator("section.panel", has=office.get_by_role("heading", name="就業", exact=True))
        assert placements_panel.locator("div", has_text="就業中").locator("dd").inner_text() == "1"
        themes_panel = office.locator("section.panel", has=office.get_by_role("heading", name="テーマ", exact=True))
        assert themes_panel.locator("div", has_text="定員充足").locator("dd").inner_text() == "1"
        screenshot(office, "journey-coordinator-10-dashboard")
        follow(office, "就業中", within=placements_panel)
        assert office.locator("tbody tr").count() == 1
        follow(office, "札幌 花子", within=office.locator("tbody"))
        follow(office, "報告を開く")
        evaluations = office.locator("section.card", has=office.get_by_role("heading", name="評価と最終評価"))
        # The company's evaluation is in; with no faculty in the tenant, the other one never starts.
        assert [" ".join(t.split()) for t in evaluations.locator("li").all_inner_texts()] == [
            "企業による評価 提出済み",
            "指導教員による評価 未着手",
        ]
        follow(office, f"← 札幌 花子 @ {company.name}")
        click(office, "修了にする")
        assert badge(office) == "修了"
        with scopes_disabled():
            assert Evaluation.objects.get().state == Evaluation.State.SUBMITTED
            assert DailyReport.objects.filter(state=DailyReport.State.SUBMITTED).count() == 2

"""Journey (seed 002, issue 13's first "Done when"): one young person, from a coordinator's public
project page to the survey after the project, in Japanese, all in the browser.

A visitor with no account finds a project of 北海道チャレンジコミュニティ on its public index,
enters it and confirms by the emailed link (test_entry.py); from then on the same person comes
back by an emailed sign-in code, as the confirmation page promised. The coordinator schedules the
interview (面談) with the company's supervisor, who records its outcome and selects; the applicant
accepts and signs the pledge, which the coordinator countersigns (test_journey_coordinator.py);
the coordinator creates the placement from the application. On the first day the start is
refused until the start orientation is recorded and confirmed by the student, the company and
the coordinator; then it starts (test_meetings.py). A month on, the reflection dialogue gets
notes from each side and next actions. When the project ends the coordinator builds a survey,
opens a round for the program's term, the same person answers it on a phone, and the results
count the answer (test_surveys.py).

Only the project itself is made with factories: its making and publishing in the browser is
test_journey_coordinator.py's first step, and this journey starts from the public page."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django_scopes import scopes_disabled

from coop.models import Membership, Role, Tenant
from placements.models import Application, EntrySchool, Placement, Theme
from surveys.models import SurveyResponse

from ..factories import PartnerFactory, ProgramFactory, TenantFactory, TermFactory, ThemeFactory, member, partner_person
from .conftest import screenshot
from .test_journey_coordinator import badge, click, follow, message, new_page, open_application, open_placement, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.slow]

JST = zoneinfo.ZoneInfo("Asia/Tokyo")
VISITOR = "aoi@example.jp"
NAME = "応募 葵"


def at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, tzinfo=JST)


def card(page, heading):
    return page.locator("section.card", has=page.get_by_role("heading", name=heading, exact=True))


def sign_in_with_code(browser, live_server, email):
    """The applicant has no password: on a phone, the login page emails a sign-in code."""
    phone = new_page(browser, live_server, phone=True)
    phone.goto("/accounts/login/")
    follow(phone, "ログインコードをメールで受け取る")
    phone.locator("input[name=email]").fill(email)
    phone.locator("form", has=phone.locator("input[name=email]")).locator("button[type=submit]").first.click()
    phone.wait_for_load_state()
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.M).group(1)
    assert mail.outbox[-1].to == [email]
    phone.locator("input[name=code]").fill(code)
    phone.locator("form", has=phone.locator("input[name=code]")).locator("button[type=submit]").first.click()
    phone.wait_for_load_state()
    return phone


def test_a_visitor_from_the_public_page_to_the_survey(browser, live_server):
    with time_machine.travel(at(2026, 6, 1), tick=True) as clock:
        tenant = TenantFactory(name="北海道チャレンジコミュニティ", slug="hokkaido-cc2", kind=Tenant.Kind.COORDINATOR)
        program = ProgramFactory(
            tenant=tenant,
            name="実践型インターンシップ（十勝）",
            kind="practical_internship",
            min_months=1,
            orientation_required=True,
            reflection_cadence="monthly",
        )
        term = TermFactory(
            program=program,
            name="2026年度 夏",
            starts_on=datetime.date(2026, 7, 1),
            ends_on=datetime.date(2026, 12, 31),
        )
        coordinator = member(tenant, Role.STAFF, email="coordinator@hcc.example.jp", full_name="帯広 理沙")
        company = PartnerFactory(tenant=tenant, name="株式会社十勝ファーム", industry="農業")
        boss = partner_person(company, email="kimura@tokachi.example.jp", full_name="木村 健一")
        with scopes_disabled():
            EntrySchool.objects.create(tenant=tenant, name="北見工業大学")
        title = "十勝の規格外野菜を使った新商品の開発"
        ThemeFactory(
            tenant=tenant,
            program=program,
            term=term,
            partner=company,
            state=Theme.State.OPEN,
            is_public=True,
            title=title,
            description="規格外の野菜を使った加工品を、社長の右腕として企画から販売まで担う。",
            duration_months=3,
        )

        # 1. 6/3 A visitor with no account enters from the public project page.
        clock.move_to(at(2026, 6, 3, 20))
        visitor = new_page(browser, live_server)
        visitor.goto(f"/t/{tenant.slug}/projects/")
        follow(visitor, title)
        follow(visitor, "エントリーフォームへ")
        visitor.get_by_label("氏名").fill(NAME)
        visitor.get_by_label("メールアドレス").fill(VISITOR)
        visitor.get_by_label("学校").fill("北見工業大学")
        visitor.get_by_label("学年").select_option("3")
        visitor.get_by_label("志望動機").fill("規格外の野菜を商品にして届ける仕組みに挑戦したいです。")
        click(visitor, "エントリーを送る")
        assert visitor.get_by_role("heading", name="メールを確認してください").is_visible()
        assert mail.outbox[-1].to == [VISITOR]
        link = re.search(r"https?://\S+(/t/\S+/entry/\S+/)", mail.outbox[-1].body).group(1)
        visitor.goto(link)
        click(visitor, "確定してエントリーを送る")  # no password: they will sign in with a code
        assert message(visitor) == "エントリーを確定しました。コーディネーターから連絡があります。"
        with scopes_disabled():
            application = Application.objects.select_related("student").get()
            applicant = application.student
            assert (applicant.email, applicant.full_name) == (VISITOR, NAME)
            assert Membership.objects.get(user=applicant).tenant == tenant
        assert visitor.url.endswith(application.get_absolute_url())
        screenshot(visitor, "journey-entry-survey-01-entry-confirmed")

        # 2. 6/5 The coordinator schedules the interview (面談) with the company's supervisor.
        clock.move_to(at(2026, 6, 5))
        office = sign_in(browser, live_server, coordinator.email)
        open_application(office, NAME)
        assert office.get_by_text("規格外の野菜を商品にして届ける仕組みに挑戦したいです。").is_visible()
        office.locator("summary", has_text="面談を記録").click()
        office.get_by_label("種別").select_option(label="選考面接")
        office.get_by_label("日時").fill("2026-06-10T14:00")
        office.get_by_label("場所", exact=True).fill("帯広オフィス")
        office.get_by_label("帯広 理沙").check()
        office.get_by_label("木村 健一").check()
        click(office, "保存")
        assert message(office) == "面談を記録しました。"
        interviews = card(office, "面談").inner_text()
        assert "2026-06-10 14:00" in interviews and "木村 健一" in interviews, interviews
        screenshot(office, "journey-entry-survey-02-interview-scheduled")

        # The applicant, still signed in from the entry, sees the interview ahead on the dashboard.
        visitor.goto(f"/t/{tenant.slug}/")
        ahead = visitor.locator("section.panel", has=visitor.get_by_role("heading", name="これからの面談・対話"))
        assert "2026-06-10 14:00" in ahead.inner_text() and "帯広オフィス" in ahead.inner_text()
        screenshot(visitor, "journey-entry-survey-03-applicant-dashboard")

        # 3. 6/10 After the interview the company records its outcome and selects.
        clock.move_to(at(2026, 6, 10, 16))
        desk = sign_in(browser, live_server, boss.email)
        open_application(desk, NAME)
        follow(desk, "結果とメモ")
        desk.get_by_label("結果").select_option(label="進める")
        desk.get_by_label("メモ").fill("動機が明確。週3日通える。")
        click(desk, "保存")
        assert message(desk) == "面談を保存しました。"
        assert "進める" in card(desk, "面談").inner_text()
        click(desk, "選抜する")
        assert message(desk) == "応募者を選抜しました。"
        assert badge(desk) == "選抜"

        # 4. 6/11 The applicant, on a phone this time, has no password: an emailed code signs them
        #    in. They accept from the dashboard; the pledge is issued, signed and countersigned.
        clock.move_to(at(2026, 6, 11, 19))
        phone = sign_in_with_code(browser, live_server, VISITOR)
        screenshot(phone, "journey-entry-survey-04-signed-in-by-code-phone")
        mine = phone.locator("section.panel", has=phone.get_by_role("heading", name="応募できるテーマ"))
        assert mine.locator("li", has_text=title).locator(".badge").inner_text() == "選抜"
        # The offer waits on them (placements.dashboard.waiting), and leads to the application.
        follow(phone, "承諾か辞退かの返事が必要な選抜")
        assert phone.url.endswith(application.get_absolute_url())
        click(phone, "承諾する")
        assert message(phone) == (
            "承諾しました。これから事務局が実施誓約書を準備します。署名できるようになったらお知らせします。"
        )
        open_application(office, NAME)  # the coordinator's browser, still signed in since 6/5
        assert badge(office) == "学生が承諾"
        click(office, "実施誓約書を発行")
        phone.reload()
        follow(phone, "実施誓約書に署名する")
        phone.get_by_label("あなたの氏名").fill(NAME)
        phone.get_by_label("この版の文書を読み、氏名を入力して署名します。").check()
        click(phone, "署名する")
        office.reload()
        pledge = card(office, "実施誓約書")
        follow(office, pledge.get_by_role("link").inner_text(), within=pledge)
        office.get_by_label("あなたの氏名").fill("帯広 理沙")
        office.get_by_label("この版の文書を読み、氏名を入力して署名します。").check()
        click(office, "署名する")
        assert badge(office) == "発効"

        # 5. The coordinator creates the placement from the application: Mon, Wed, Thu for 3 months.
        open_application(office, NAME)
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
        screenshot(office, "journey-entry-survey-05-placement-planned")

        # 6. 8/3 First day. The start is refused: the program requires the start orientation.
        clock.move_to(at(2026, 8, 3, 9))
        office = sign_in(browser, live_server, coordinator.email)
        open_placement(office, NAME)
        placement_url = office.url.removeprefix(live_server.url)
        click(office, "就業を開始する")
        assert "スタートオリエンテーションはまだ記録されていません。" in message(office)
        assert badge(office) == "予定"
        follow(office, "スタートオリエンテーションを記録")
        office.get_by_label("日時").fill("2026-08-03T08:30")  # met at 8:30, recorded now
        office.get_by_label("場所またはオンライン会議のURL").fill("十勝ファーム 事務所")
        office.get_by_label("目的").fill("規格外野菜の加工品を、社長の右腕として企画から販売まで担う。")
        office.get_by_label("目標").fill("10月末までに加工品を1つ、道の駅で売り出す。")
        office.get_by_label("働き方").fill("週3日（月・水・木）9時〜17時。")
        office.get_by_label("連絡・報告の方法").fill("毎日チャットで日報。困ったらその日のうちにコーディネーターへ。")
        office.get_by_label("ルール").fill("安全第一。顧客情報は持ち出さない。")
        click(office, "保存")
        assert message(office) == "スタートオリエンテーションを保存しました。それぞれの立場で確認してもらいます。"

        # The applicant, now the student, confirms on a phone; the start is still refused, and says who is missing.
        phone = sign_in_with_code(browser, live_server, VISITOR)
        follow(phone, f"{NAME} @ {company.name}")
        assert phone.url.endswith(placement_url)
        assert "10月末までに加工品を1つ、道の駅で売り出す。" in phone.locator("#orientation").inner_text()
        click(phone, "合意内容を確認しました")
        assert message(phone) == "スタートオリエンテーションを確認しました。"
        screenshot(phone, "journey-entry-survey-06-orientation-confirmed-phone")
        office.goto(placement_url)
        click(office, "就業を開始する")
        assert message(office).endswith("未確認: 連携先、コーディネーター（事務局）。")
        desk = sign_in(browser, live_server, boss.email)
        desk.goto(placement_url)
        click(desk, "合意内容を確認しました")
        office.goto(placement_url)
        click(office, "合意内容を確認しました")
        click(office, "就業を開始する")
        assert badge(office) == "就業中"
        screenshot(office, "journey-entry-survey-07-started")

        # 7. 9/3 The first reflection dialogue (monthly): notes from each side and next actions.
        clock.move_to(at(2026, 9, 3, 9))
        office = sign_in(browser, live_server, coordinator.email)
        office.goto(placement_url)
        assert "次の対話は 2026-09-03 までに行います。" in office.locator("#reflections").inner_text()
        follow(office, "振り返りの対話を設定")
        office.get_by_label("日時").fill("2026-09-03T16:00")
        office.get_by_label("場所またはオンライン会議のURL").fill("オンライン")
        click(office, "対話を設定する")
        assert message(office) == "振り返りの対話を設定し、学生と連携先に知らせました。"
        dialogue_url = office.url
        office.get_by_label("あなたのメモ").fill("試作が順調。販売先との交渉に同席したい。")
        click(office, "メモを保存")
        actions = office.locator("#next-actions")
        actions.get_by_label("次のアクション 1").fill("道の駅に試作品を持ち込む")
        actions.get_by_label("担当").first.select_option(label="学生")
        click(office, "アクションを保存")
        assert message(office) == "次のアクションを保存しました。"
        phone = sign_in_with_code(browser, live_server, VISITOR)
        phone.goto(dialogue_url)
        phone.get_by_label("あなたのメモ").fill("ピクルスの試作が3回目でようやく形になった。")
        click(phone, "メモを保存")
        assert message(phone) == "メモを保存しました。"
        assert "道の駅に試作品を持ち込む" in phone.locator("#next-actions").inner_text()
        desk = sign_in(browser, live_server, boss.email)
        desk.goto(dialogue_url)
        desk.get_by_label("あなたのメモ").fill("畑の人たちとの関係づくりが上手い。原価の計算をもう一歩。")
        click(desk, "メモを保存")
        notes = desk.locator("#notes").inner_text()
        for note in ("試作が順調。", "ピクルスの試作が3回目で", "畑の人たちとの関係づくり"):
            assert note in notes, notes
        screenshot(desk, "journey-entry-survey-08-reflection-notes")

        # 8. 10/30 The project ends; the coordinator builds a survey and opens a round for the term.
        clock.move_to(at(2026, 10, 30, 17))
        office = sign_in(browser, live_server, coordinator.email)
        office.goto(placement_url)
        click(office, "修了にする")
        assert badge(office) == "修了"
        follow(office, "アンケート", within=office.locator("nav.mainnav"))
        follow(office, "新しいアンケート様式")
        office.get_by_label("名称").fill("実践型インターンシップ 終了後アンケート")
        office.locator("#id_q0_text").fill("全体としての満足度は？")
        office.locator("#id_q0_type").select_option(value="rating")
        office.locator("#id_q0_required").check()
        office.locator("#id_q1_text").fill("また参加したいですか？")
        office.locator("#id_q1_type").select_option(value="single")
        office.locator("#id_q1_choices").fill("はい\nたぶん\nいいえ")
        office.locator("#id_q2_text").fill("感想を自由にお書きください。")
        office.locator("#id_q2_type").select_option(value="text")
        click(office, "アンケートを保存")
        assert message(office) == "アンケートを保存しました。"
        follow(office, "アンケートを実施する")
        office.get_by_label("プログラム").select_option(label=program.name)
        office.get_by_label("期", exact=True).select_option(label=f"{program.name} {term.name}")
        click(office, "アンケートを開始")
        round_url = office.url
        screenshot(office, "journey-entry-survey-09-round-open")

        # 9. The same person answers on a phone, from the dashboard.
        phone = sign_in_with_code(browser, live_server, VISITOR)
        follow(phone, "回答するアンケート")
        phone.get_by_role("link", name=re.compile("終了後アンケート")).first.click()
        phone.wait_for_load_state()
        phone.locator("fieldset.answer").nth(0).get_by_label("5").check()
        phone.get_by_label("はい", exact=True).check()
        phone.locator("textarea").fill("地域の人と一緒に商品をつくる面白さを知りました。")
        screenshot(phone, "journey-entry-survey-10-answer-phone")
        click(phone, "回答を送信")
        assert message(phone) == "回答を保存しました。ご協力ありがとうございました。"

        # 10. The results count the answer: one of the three owed (student, company, coordinator).
        office.goto(round_url)
        follow(office, "結果を見る")
        facts = office.locator("dl.facts").inner_text()
        assert "1 / 3" in facts, facts
        rates = office.locator("section.card", has=office.get_by_role("heading", name="回答率")).locator("tbody tr")
        assert rates.first.inner_text().split("\t") == ["学生", "1", "1", "100.0"]
        assert office.get_by_text("地域の人と一緒に商品をつくる面白さを知りました。").is_visible()
        screenshot(office, "journey-entry-survey-11-results")

    with scopes_disabled():
        placement = Placement.objects.get()
        assert (placement.student, placement.application, placement.state) == (
            applicant,
            application,
            Placement.State.COMPLETED,
        )
        answered = SurveyResponse.objects.get(submitted_at__isnull=False)
        assert (answered.placement, answered.answered_by) == (placement, applicant)

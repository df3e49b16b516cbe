"""Journey: the meetings of a coordinator-run practical internship (seed 002), in Japanese.

The coordinator schedules an interview (面談) with the company's supervisor, who sees it on the
dashboard with the student; once the placement exists, the coordinator records the start
orientation (スタートオリエンテーション), which the program requires before the placement starts:
starting is refused until the student (on a phone), the company and the coordinator have each
confirmed it; then the placement starts. A month on, the coordinator schedules the first
reflection dialogue (振り返りの対話); each side writes its notes and the coordinator records the
next actions; the second dialogue shows them for follow-up."""

import datetime
import zoneinfo

import pytest
import time_machine
from django_scopes import scopes_disabled

from coop.models import Role, Tenant
from placements.models import Application, Placement, ReflectionAction

from ..factories import (
    ApplicationFactory,
    PartnerFactory,
    PlacementFactory,
    ProgramFactory,
    TenantFactory,
    ThemeFactory,
    member,
    partner_person,
)
from .conftest import screenshot
from .test_journey_coordinator import badge, click, follow, message, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.slow]

JST = zoneinfo.ZoneInfo("Asia/Tokyo")


def at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, tzinfo=JST)


def card(page, heading):
    return page.locator("section.card", has=page.get_by_role("heading", name=heading, exact=True))


def test_interview_orientation_and_reflections(browser, live_server):
    with time_machine.travel(at(2026, 6, 1), tick=True) as clock:
        tenant = TenantFactory(name="北海道チャレンジコミュニティ", slug="hokkaido-meet", kind=Tenant.Kind.COORDINATOR)
        program = ProgramFactory(
            tenant=tenant,
            name="実践型インターンシップ（帯広）",
            kind="practical_internship",
            min_months=1,
            orientation_required=True,
            reflection_cadence="monthly",
        )
        coordinator = member(tenant, Role.STAFF, email="coordinator@hcc.example.jp", full_name="帯広 理沙")
        student = member(tenant, Role.STUDENT, email="hanako@student.example.jp", full_name="札幌 花子")
        company = PartnerFactory(tenant=tenant, name="株式会社十勝ファーム")
        boss = partner_person(company, email="kimura@tokachi.example.jp", full_name="木村 健一")
        theme = ThemeFactory(tenant=tenant, program=program, partner=company, title="十勝の野菜を全国に届ける")
        application = ApplicationFactory(theme=theme, student=student)

        # 1. The coordinator schedules the interview (面談) with the company's supervisor.
        office = sign_in(browser, live_server, coordinator.email)
        office.goto(f"/t/{tenant.slug}/applications/{application.pk}/")
        office.locator("summary", has_text="面談を記録").click()
        office.get_by_label("種別").select_option(label="選考面接")
        office.get_by_label("日時").fill("2026-06-10T14:00")
        office.get_by_label("場所", exact=True).fill("帯広オフィス")
        office.get_by_label("オンライン会議のURL").fill("https://meet.example.jp/tokachi")
        office.get_by_label("帯広 理沙").check()
        office.get_by_label("木村 健一").check()
        click(office, "保存")
        assert message(office) == "面談を記録しました。"
        interviews = card(office, "面談").inner_text()
        assert "2026-06-10 14:00" in interviews and "帯広オフィス" in interviews
        assert "参加者: " in interviews and "木村 健一" in interviews, interviews
        screenshot(office, "meetings-01-interview-scheduled")

        # The company's supervisor and the student see it ahead on their dashboards.
        desk = sign_in(browser, live_server, boss.email)
        ahead = desk.locator("section.panel", has=desk.get_by_role("heading", name="これからの面談・対話"))
        assert "2026-06-10 14:00" in ahead.inner_text()
        phone = sign_in(browser, live_server, student.email, phone=True)
        ahead = phone.locator("section.panel", has=phone.get_by_role("heading", name="これからの面談・対話"))
        assert "2026-06-10 14:00" in ahead.inner_text() and "帯広オフィス" in ahead.inner_text()
        screenshot(phone, "meetings-02-student-dashboard-phone")

        # 2. After the interview the company records its outcome (go ahead).
        clock.move_to(at(2026, 6, 10, 16))
        desk.goto(f"/t/{tenant.slug}/applications/{application.pk}/")
        follow(desk, "結果とメモ")
        desk.get_by_label("結果").select_option(label="進める")
        desk.get_by_label("メモ").fill("動機が明確。週3日通える。")
        click(desk, "保存")
        assert message(desk) == "面談を保存しました。"
        assert "進める" in card(desk, "面談").inner_text()

        # The selection, pledge and placement are the existing journey's (test_journey_coordinator):
        # here the placement exists, planned.
        with scopes_disabled():
            Application.objects.filter(pk=application.pk).update(state=Application.State.PLACED)
            placement = PlacementFactory(
                theme=theme,
                student=student,
                application=application,
                starts_on=datetime.date(2026, 7, 1),
                ends_on=datetime.date(2026, 12, 25),
            )
        placement_url = f"/t/{tenant.slug}/placements/{placement.pk}/"

        # 3. 6/25 The start orientation: the coordinator records what was agreed.
        # (Weeks later: everyone signs in again.)
        clock.move_to(at(2026, 6, 25, 11))
        office = sign_in(browser, live_server, coordinator.email)
        desk = sign_in(browser, live_server, boss.email)
        phone = sign_in(browser, live_server, student.email, phone=True)
        office.goto(placement_url)
        click(office, "就業を開始する")
        assert "スタートオリエンテーションはまだ記録されていません。" in message(office)
        assert badge(office) == "予定"
        follow(office, "スタートオリエンテーションを記録")
        office.get_by_label("日時").fill("2026-06-25T10:00")
        office.get_by_label("場所またはオンライン会議のURL").fill("十勝ファーム 事務所")
        office.get_by_label("目的").fill("十勝の野菜のオンライン販売を、社長の右腕として立ち上げる。")
        office.get_by_label("目標").fill("半年で定期便の会員を100人にする。")
        office.get_by_label("働き方").fill("週3日（火・木・土）9時〜17時。繁忙期は住み込み。")
        office.get_by_label("連絡・報告の方法").fill("毎日チャットで日報。困ったらその日のうちにコーディネーターへ。")
        office.get_by_label("ルール").fill("安全第一。顧客情報は持ち出さない。")
        click(office, "保存")
        assert message(office) == "スタートオリエンテーションを保存しました。それぞれの立場で確認してもらいます。"

        # The student confirms on a phone, the company on its desk.
        phone.goto(placement_url)
        orientation = phone.locator("#orientation")
        assert "半年で定期便の会員を100人にする。" in orientation.inner_text()
        click(phone, "合意内容を確認しました")
        assert message(phone) == "スタートオリエンテーションを確認しました。"
        screenshot(phone, "meetings-03-orientation-confirmed-phone")
        # Starting is refused while a side has not confirmed, and says which.
        office.goto(placement_url)
        click(office, "就業を開始する")
        assert message(office).endswith("未確認: 連携先、コーディネーター（事務局）。")
        desk.goto(placement_url)
        click(desk, "合意内容を確認しました")
        office.goto(placement_url)
        click(office, "合意内容を確認しました")
        click(office, "就業を開始する")
        assert badge(office) == "就業中"
        assert "コーディネーター（事務局）: 2026-06-25" in office.locator("#orientation").inner_text()
        screenshot(office, "meetings-04-orientation-all-confirmed-started")

        # 4. 8/3 The first reflection dialogue, due by the monthly cadence since 8/1.
        clock.move_to(at(2026, 8, 3, 9))
        office = sign_in(browser, live_server, coordinator.email)
        desk = sign_in(browser, live_server, boss.email)
        phone = sign_in(browser, live_server, student.email, phone=True)
        office.goto(placement_url)
        assert "次の対話は 2026-08-01 までに行います。" in office.locator("#reflections").inner_text()
        follow(office, "振り返りの対話を設定")
        office.get_by_label("日時").fill("2026-08-03T16:00")
        office.get_by_label("場所またはオンライン会議のURL").fill("オンライン")
        click(office, "対話を設定する")
        assert message(office) == "振り返りの対話を設定し、学生と連携先に知らせました。"
        assert office.get_by_role("heading", name="第1回 振り返りの対話").is_visible()
        office.get_by_label("あなたのメモ").fill("目的に沿って進んでいる。会員募集の導線を一緒に考えたい。")
        click(office, "メモを保存")
        actions = office.locator("#next-actions")
        actions.get_by_label("次のアクション 1").fill("定期便の申込ページを作る")
        actions.get_by_label("担当").first.select_option(label="学生")
        actions.get_by_label("次のアクション 2").fill("農場の写真素材を共有する")
        actions.locator("select[name=owner_2]").select_option(label="連携先")
        actions.get_by_label("次のアクション 3").fill("帯広の店舗での試食会場を探す")
        actions.locator("select[name=owner_3]").select_option(label="コーディネーター（事務局）")
        click(office, "アクションを保存")
        assert message(office) == "次のアクションを保存しました。"
        dialogue_url = office.url

        # The student writes notes on a phone, the company on its desk.
        phone.goto(dialogue_url)
        phone.get_by_label("あなたのメモ").fill("お客様の声を直接聞けた。申込ページの文章に苦戦している。")
        click(phone, "メモを保存")
        assert message(phone) == "メモを保存しました。"
        assert "定期便の申込ページを作る" in phone.locator("#next-actions").inner_text()
        screenshot(phone, "meetings-05-reflection-notes-phone")
        desk.goto(dialogue_url)
        desk.get_by_label("あなたのメモ").fill("現場への溶け込みが早い。提案にデータの裏付けがほしい。")
        click(desk, "メモを保存")
        notes = desk.locator("#notes").inner_text()
        assert "お客様の声を直接聞けた。" in notes and "現場への溶け込みが早い。" in notes
        screenshot(desk, "meetings-06-reflection-1-notes")

        # 5. 9/3 The second dialogue shows the first's actions; the coordinator follows them up.
        clock.move_to(at(2026, 9, 3, 9))
        office = sign_in(browser, live_server, coordinator.email)
        office.goto(placement_url)
        assert "次の対話は 2026-09-03 までに行います。" in office.locator("#reflections").inner_text()
        follow(office, "振り返りの対話を設定")
        office.get_by_label("日時").fill("2026-09-03T16:00")
        click(office, "対話を設定する")
        follow_up = office.locator("#follow-up").inner_text()
        assert "第1回のアクション" in follow_up
        for text in ("定期便の申込ページを作る", "農場の写真素材を共有する", "帯広の店舗での試食会場を探す"):
            assert text in follow_up, follow_up
        actions = office.locator("#next-actions")
        actions.get_by_label("定期便の申込ページを作る").select_option(label="完了")
        actions.get_by_label("農場の写真素材を共有する").select_option(label="完了")
        actions.get_by_label("帯広の店舗での試食会場を探す").select_option(label="持ち越す")
        actions.get_by_label("次のアクション 1").fill("会員100人に向けた告知計画を立てる")
        click(office, "アクションを保存")
        assert message(office) == "次のアクションを保存しました。"
        follow_up = office.locator("#follow-up").inner_text()
        assert follow_up.count("完了") == 2 and "持ち越し" in follow_up, follow_up
        next_actions = office.locator("#next-actions").inner_text()
        assert "帯広の店舗での試食会場を探す" in next_actions and "持ち越し" in next_actions
        assert "会員100人に向けた告知計画を立てる" in next_actions
        screenshot(office, "meetings-07-reflection-2-follow-up")
        office.goto(placement_url)
        timeline = office.locator("#reflections").inner_text()
        assert "第1回" in timeline and "第2回" in timeline and "次の対話は 2026-10-03 までに行います。" in timeline
        screenshot(office, "meetings-08-placement-timeline")

    with scopes_disabled():
        assert Placement.objects.get(pk=placement.pk).state == Placement.State.ACTIVE
        assert ReflectionAction.objects.filter(carried_from__isnull=False).count() == 1

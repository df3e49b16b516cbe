"""Journey: international students' career and regional settlement (seed 004), as each of its
people would walk it with what the portal offers today.

A university runs a program for international students with regional companies. The office
sets a theme with a company; an international student (who reads the portal in English)
applies; the company selects; the student accepts and signs the pledge; the office creates and
starts a full-time placement with a faculty supervisor. At the end the student submits the
final report, the company's supervisor evaluates through an emailed link, and the office
completes the placement. In March the office records the career outcomes of the term's
students (offer, hired by the partner, hired in Japan, stayed in the region); the tenant's
admin reads them in the term summary and downloads it as CSV and Excel.
"""

import csv
import datetime
import io
import re

import openpyxl
import pytest
import time_machine
from django.core import mail
from django_scopes import scopes_disabled

from coop.models import Role
from placements.models import CareerOutcome, Placement

from ..factories import (
    PartnerFactory,
    PlacementFactory,
    ProgramFactory,
    TenantFactory,
    TermFactory,
    ThemeFactory,
    member,
    partner_person,
)
from .conftest import screenshot
from .test_journey_coordinator import (
    at,
    badge,
    click,
    follow,
    message,
    nav,
    new_page,
    office_tool,
    open_application,
    open_placement,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.slow]

EN = "en-US"


def emailed_path(to):
    """The path of the last portal link emailed to `to`."""
    body = next(m for m in reversed(mail.outbox) if m.to == [to]).body
    return re.search(r"https?://[^/\s]+(/t/\S+/reports/l/\S+/)", body).group(1)


def test_international_student_career_outcomes(browser, live_server, tmp_path):
    with time_machine.travel(at(2026, 7, 1), tick=True) as clock:
        tenant = TenantFactory(name="北陸国際大学", slug="hokuriku-intl")
        program = ProgramFactory(
            tenant=tenant, name="留学生キャリア形成・地域定着プログラム", kind="practical_internship"
        )
        term = TermFactory(program=program, name="2026年度")
        admin = member(tenant, Role.ADMIN, email="admin@hiu.example.jp", full_name="管理 一郎")
        staff = member(tenant, Role.STAFF, email="career@hiu.example.jp", full_name="国際 キャリア")
        member(tenant, Role.FACULTY, email="tanaka@hiu.example.jp", full_name="田中 茂")
        student = member(tenant, Role.STUDENT, email="linh@hiu.example.jp", full_name="Nguyen Thi Linh")
        company = PartnerFactory(tenant=tenant, name="加賀精機株式会社", industry="機械製造業")
        boss = partner_person(company, email="mori@kaga-seiki.example.jp", full_name="森 由美")
        # Another international student of the same term already finished at another company.
        with scopes_disabled():
            earlier = PlacementFactory(
                theme=ThemeFactory(
                    tenant=tenant, program=program, term=term, title="観光案内の多言語化", state="closed"
                ),
                student=member(tenant, Role.STUDENT, email="wei@hiu.example.jp", full_name="Zhang Wei"),
                starts_on=datetime.date(2026, 4, 6),
                ends_on=datetime.date(2026, 6, 30),
                state=Placement.State.COMPLETED,
            )
        title = "海外向けECサイトの英語化と販路開拓"

        # 1. 7/1 The office sets the theme with the company and opens it.
        office = sign_in(browser, live_server, staff.email)
        nav(office, "テーマ")
        follow(office, "新しいテーマ")
        office.get_by_label("題名").fill(title)
        office.get_by_label("プログラム").select_option(label=program.name)
        office.get_by_label("期", exact=True).select_option(label=f"{program.name} 2026年度")
        office.get_by_label("連携先").select_option(label=company.name)
        office.get_by_label("説明").fill("精密部品の海外向けECサイトを英語化し、東南アジアの販路を調べる。")
        office.get_by_label("期間（月）").fill("4")
        office.get_by_label("学生数").fill("1")
        click(office, "保存")
        click(office, "連携先と合意済みにする")
        click(office, "募集中")
        assert badge(office) == "募集中"

        # 2. 7/3 The international student, reading the portal in English, finds it and applies.
        clock.move_to(at(2026, 7, 3, 16))
        linh = sign_in(browser, live_server, student.email, locale=EN)
        assert linh.get_by_role("heading", name="Dashboard").is_visible()
        follow(linh, "1 theme is open for applications")
        follow(linh, title)
        follow(linh, "Apply to this theme")
        linh.get_by_label("Motivation").fill("I want to work in Ishikawa after graduation and use my Vietnamese.")
        click(linh, "Send application")
        assert message(linh) == "Your application was sent."

        # 3. 7/10 The company selects her.
        clock.move_to(at(2026, 7, 10))
        desk = sign_in(browser, live_server, boss.email)
        nav(desk, "応募")
        follow(desk, "Nguyen Thi Linh")
        click(desk, "選抜する")
        assert badge(desk) == "選抜"

        # 4. She accepts; the office issues the pledge; both sign it.
        linh = sign_in(browser, live_server, student.email, locale=EN)
        nav(linh, "Applications")
        follow(linh, "Nguyen Thi Linh")
        assert badge(linh) == "Selected"
        click(linh, "Accept the offer")
        assert message(linh) == (
            "You accepted. The placement office now prepares your student pledge; "
            "you will be told when it is ready to sign."
        )
        office = sign_in(browser, live_server, staff.email)
        open_application(office, "Nguyen Thi Linh")
        click(office, "実施誓約書を発行")
        linh.reload()
        follow(linh, "Sign the student pledge")
        linh.get_by_label("Your full name").fill("Nguyen Thi Linh")
        linh.get_by_label("I have read this version").check()
        click(linh, "Sign")
        office.reload()
        pledge = office.locator("section.card", has=office.get_by_role("heading", name="実施誓約書"))
        follow(office, pledge.get_by_role("link").inner_text(), within=pledge)
        office.get_by_label("あなたの氏名").fill("国際 キャリア")
        office.get_by_label("この版の文書を読み、氏名を入力して署名します。").check()
        click(office, "署名する")
        assert badge(office) == "発効"

        # 5. The office creates the full-time placement with a faculty supervisor.
        open_application(office, "Nguyen Thi Linh")
        follow(office, "就業を登録する")
        office.get_by_label("指導教員").select_option(label="田中 茂")
        office.get_by_label("開始日").fill("2026-09-01")
        office.get_by_label("終了日").fill("2026-12-25")
        office.get_by_label("勤務形態").select_option(label="フルタイム（平日）")
        office.get_by_label("森 由美").check()
        click(office, "保存")
        assert message(office) == "就業を登録しました。"

        # 6. 9/1 The placement starts.
        clock.move_to(at(2026, 9, 1, 9))
        office = sign_in(browser, live_server, staff.email)
        open_placement(office, "Nguyen Thi Linh")
        click(office, "就業を開始する")
        assert badge(office) == "就業中"

        # 7. 12/21 She submits the final report from her placement's reports.
        clock.move_to(at(2026, 12, 21, 17))
        linh = sign_in(browser, live_server, student.email, locale=EN)
        follow(linh, f"Nguyen Thi Linh @ {company.name}")
        follow(linh, "Open the reports")
        follow(linh, "Open the final report")
        linh.get_by_label("Report").fill("I translated 120 product pages and found three distributors in Vietnam.")
        click(linh, "Submit the final report")
        assert message(linh) == "The final report is submitted."
        screenshot(linh, "journey-career-01-final-report-en")

        # 8. 12/22 The office emails the evaluation link; the supervisor evaluates without signing in.
        clock.move_to(at(2026, 12, 22, 10))
        office = sign_in(browser, live_server, staff.email)
        open_placement(office, "Nguyen Thi Linh")
        follow(office, "報告を開く")
        links = office.locator("#links")
        links.get_by_label("送信先").select_option(label="森 由美")
        links.get_by_label("記入する様式").select_option(value="evaluation")
        click(office, "リンクを送信")
        assert message(office) == "リンクを送信しました。"
        outsider = new_page(browser, live_server, phone=True)
        outsider.goto(emailed_path(boss.email))
        for criterion in ("課題発見力", "実践力", "協働する力", "報告・連絡・相談", "主体性"):
            outsider.get_by_role("group", name=criterion).get_by_label("5", exact=True).check()
        outsider.get_by_label("コメント").fill("ぜひ当社で働いてほしい。内定を出す予定です。")
        click(outsider, "評価を提出")
        assert outsider.get_by_role("heading", name="ありがとうございました").is_visible()

        # 9. 12/25 The office completes the placement.
        clock.move_to(at(2026, 12, 25, 17))
        office = sign_in(browser, live_server, staff.email)
        open_placement(office, "Nguyen Thi Linh")
        click(office, "修了にする")
        assert badge(office) == "修了"

        # 10. 2027-03-15 The office records both students' career outcomes from the placements list.
        clock.move_to(at(2027, 3, 15))
        office = sign_in(browser, live_server, staff.email)
        nav(office, "就業")
        follow(office, "Nguyen Thi Linh", within=office.locator("tbody"))
        outcome = office.locator("section.card", has=office.get_by_role("heading", name="進路"))
        for label in ("連携先から内定を得た", "連携先に就職", "日本企業に就職", "地域に定着"):
            outcome.get_by_label(label).check()
        outcome.get_by_label("メモ").fill("2027年4月 加賀精機株式会社に入社予定（金沢市）")
        click(office, "保存")
        assert message(office) == "進路を保存しました。"
        outcome = office.locator("section.card", has=office.get_by_role("heading", name="進路"))
        assert [outcome.get_by_label(label).is_checked() for label in ("連携先から内定を得た", "地域に定着")] == [
            True,
            True,
        ]
        screenshot(office, "journey-career-02-outcome-on-placement")
        nav(office, "就業")
        follow(office, "Zhang Wei", within=office.locator("tbody"))
        outcome = office.locator("section.card", has=office.get_by_role("heading", name="進路"))
        outcome.get_by_label("日本企業に就職").check()
        outcome.get_by_label("メモ").fill("東京の旅行会社に就職")
        click(office, "保存")
        assert message(office) == "進路を保存しました。"
        with scopes_disabled():
            assert CareerOutcome.objects.get(placement=earlier).recorded_by == staff

        # 11. 2027-03-20 The admin reads the term summary's career outcomes and downloads it.
        clock.move_to(at(2027, 3, 20))
        head = sign_in(browser, live_server, admin.email)
        office_tool(head, "期別集計")
        head.get_by_label("プログラム").select_option(label=program.name)
        head.get_by_label("期", exact=True).select_option(label=f"{program.name} 2026年度")
        click(head, "表示")
        outcomes = head.locator("section.summary-section", has=head.get_by_role("heading", name="進路"))
        rows = [row.split("\t") for row in outcomes.locator("tbody tr").all_inner_texts()]
        expected = [
            ["終了した就業", "2"],
            ["進路を記録した就業", "2"],
            ["連携先から内定", "1"],
            ["連携先に就職", "1"],
            ["日本企業に就職", "2"],
            ["地域に定着", "1"],
        ]
        assert rows == expected
        outcomes.scroll_into_view_if_needed()
        screenshot(head, "journey-career-03-term-summary")
        with head.expect_download() as download:
            head.get_by_role("link", name="CSV").click()
        lines = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
        assert lines[0] == ["留学生キャリア形成・地域定着プログラム 2026年度"]
        at_outcomes = lines.index(["進路"])
        assert lines[at_outcomes + 1 : at_outcomes + 8] == [["進路", "学生数"], *expected]
        with head.expect_download() as download:
            head.get_by_role("link", name="Excel (XLSX)").click()
        xlsx = tmp_path / download.value.suggested_filename
        download.value.save_as(xlsx)
        book = openpyxl.load_workbook(xlsx, read_only=True)
        sheet = book[next(name for name in book.sheetnames if name.endswith(" 進路"))]
        cells = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert cells[1:] == [["進路", "学生数"], *[[label, int(n)] for label, n in expected]]

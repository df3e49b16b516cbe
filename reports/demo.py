"""Demo data: daily reports of the demo students' running placements (a few days missed),
last month's monthly report with the partner's feedback and the faculty comment, one final
presentation meeting; the New Year break as a closure; for the completed placement the
partner's evaluation (submitted through an emailed link), the faculty's evaluation and the final
result agreed by both faculty roles; and an emailed link still waiting. Made through the real
services; idempotent."""

import datetime
from decimal import Decimal

from coop.clock import tenant_today, tenant_zone
from coop.models import Role
from placements.models import Placement

from . import services
from .models import AccessLink, ClosurePeriod, Evaluation, FinalPresentation, MonthlyReport
from .selectors import add_months, month_start, partner_supervisor_users, practitioner_user, working_days

DONE = [
    "検査データの前処理スクリプトを作成し、欠損値の扱いを担当者と確認した。",
    "週次ミーティングで進捗を報告し、特徴量の候補について助言をもらった。",
    "現場の検査工程を見学し、不良が出やすい工程の説明を受けた。",
    "予測モデルの精度を比較する表を作成した。",
    "旋盤の基本操作を練習し、寸法測定の方法を教わった。",
]
LEARNED = [
    "データの意味を現場の人に確かめることの大切さを学んだ。",
    "報告は結論から話すと伝わりやすいと分かった。",
    "安全確認の手順には理由があることを知った。",
]


def seed(tenant, people):
    _closures(tenant, people)
    if not FinalPresentation.objects.filter(tenant=tenant).exists():
        _reports(tenant, people)
    if not Evaluation.objects.filter(tenant=tenant).exists() and not AccessLink.objects.filter(tenant=tenant).exists():
        _evaluations(tenant, people)


def _closures(tenant, people):
    """The New Year break as the institution's closure (national holidays need no row)."""
    if ClosurePeriod.objects.filter(tenant=tenant).exists():
        return
    today = tenant_today(tenant)
    year = today.year if today.month >= 4 else today.year - 1  # this academic year's winter
    services.closure_add(
        tenant=tenant,
        by=people[Role.ADMIN] if Role.ADMIN in people else people[Role.STAFF],
        starts_on=datetime.date(year, 12, 29),
        ends_on=datetime.date(year + 1, 1, 3),
        reason="年末年始休業",
    )


def _reports(tenant, people):
    staff, faculty = people[Role.STAFF], people[Role.FACULTY]
    today = tenant_today(tenant)
    running = Placement.objects.filter(tenant=tenant, state=Placement.State.ACTIVE).select_related("student")
    last_month = add_months(month_start(today), -1)
    for placement in running:
        _daily_reports(placement, today)
        # The demo student's report has every answer; the others' wait for the faculty's comment.
        _monthly_report(placement, last_month, today, faculty, comment=placement.student_id == people[Role.STUDENT].pk)
    presenting = [p for p in running if p.student_id == people[Role.STUDENT].pk]
    services.presentation_save(
        tenant=tenant,
        by=staff,
        placements=presenting,
        title="コーオプ教育 最終報告会" if tenant.kind != "high_school" else "デュアルシステム 成果発表会",
        starts_at=datetime.datetime.combine(
            today + datetime.timedelta(days=60), datetime.time(13, 0), tzinfo=tenant_zone(tenant)
        ),
        place="本部棟 大会議室",
        attendees="受入企業のご担当者、指導教員、実務家教員、在学生",
        notes="発表10分、質疑5分。",
    )


def _daily_reports(placement, today):
    student = placement.student
    days = working_days(placement, placement.starts_on, today - datetime.timedelta(days=1))
    for n, day in enumerate(days):
        if n % 7 == 3:
            continue  # a few missed days
        draft = day == days[-1]
        # Written on the day itself: the cut-off does not apply to what was written in time.
        services.daily_report_save(
            placement=placement,
            day=day,
            by=student,
            submit=not draft,
            today=day,
            hours=Decimal("7.5") if placement.schedule == Placement.Schedule.FULL_TIME else Decimal("6"),
            done=DONE[n % len(DONE)],
            learned=LEARNED[n % len(LEARNED)],
            problems="" if n % 3 else "専門用語が多く、資料を読むのに時間がかかった。",
            next_steps="明日は今日の続きを進め、結果を担当者に報告する。",
        )


def _monthly_report(placement, month, today, faculty, *, comment=True):
    if month < month_start(placement.starts_on) or MonthlyReport.objects.filter(placement=placement, month=month):
        return
    report = services.monthly_report_save(
        placement=placement,
        month=month,
        by=placement.student,
        submit=True,
        today=today,
        summary="データの前処理と現場見学を中心に取り組んだ。担当者と毎週進捗を確認した。",
        reflection="分からないことを早めに質問できた。来月は自分から改善案を出したい。",
    )
    for partner_user in partner_supervisor_users(placement)[:1]:
        report = services.monthly_report_feedback(
            report=report,
            by=partner_user,
            text="丁寧に作業しており、質問も的確です。来月は分析結果を社内で発表してもらいます。",
        )
    if not comment:
        return
    services.monthly_report_comment(
        report=report,
        by=placement.faculty_supervisor or faculty,
        text="順調に進んでいます。学んだことを最終報告書に向けて整理しておきましょう。",
    )


PARTNER_SCORES = {"c1": 4, "c2": 5, "c3": 4, "c4": 3, "c5": 4}
FACULTY_SCORES = {"c1": 4, "c2": 4, "c3": 5, "c4": 4, "c5": 4}


def _evaluations(tenant, people):
    staff, faculty = people[Role.STAFF], people[Role.FACULTY]
    completed = (
        Placement.objects.filter(tenant=tenant, state=Placement.State.COMPLETED)
        .select_related("student", "practitioner__contact__user")
        .order_by("id")
    )
    for placement in completed:
        contact = placement.supervisors.select_related("contact").exclude(contact__email="").first()
        if contact is not None:
            link, _token = services.access_link_send(
                placement=placement, contact=contact.contact, purpose=AccessLink.Purpose.EVALUATION, by=staff
            )
            services.access_link_open(link=link, ip_address="192.0.2.10", user_agent="Mozilla/5.0 (demo)")
            services.access_link_evaluation(
                link=link,
                submit=True,
                scores=PARTNER_SCORES,
                answers={
                    "q1": "課題に粘り強く取り組み、現場の担当者とよく相談していた。",
                    "q2": "結論から報告する習慣をつけてほしい。",
                },
                comments="画像検査の試作は社内でも評価が高く、来年度も学生を受け入れたい。",
            )
        rater = placement.faculty_supervisor or faculty
        services.evaluation_save(
            placement=placement,
            kind=Evaluation.Kind.FACULTY,
            by=rater,
            submit=True,
            scores=FACULTY_SCORES,
            answers={"q1": "月報が丁寧で、学びの振り返りが具体的だった。", "q2": "成果を一般化して説明する力。"},
            comments="最終報告会での発表も分かりやすかった。",
        )
        mentor = practitioner_user(placement)
        if mentor is not None:
            result = services.result_save(
                placement=placement, by=rater, grade="A", passed=True, comments="企業・教員の評価ともに良好。"
            )
            services.result_agree(result=result, by=mentor)
    running = (
        Placement.objects.filter(tenant=tenant, state=Placement.State.ACTIVE, supervisors__isnull=False)
        .order_by("ends_on", "id")
        .first()
    )
    if running is not None:
        contact = running.supervisors.select_related("contact").exclude(contact__email="").first()
        if contact is not None:
            services.access_link_send(
                placement=running, contact=contact.contact, purpose=AccessLink.Purpose.EVALUATION, by=staff
            )

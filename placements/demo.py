"""Demo data for `make run`: every feature of the placement lifecycle in every state, made
through the real services so that histories, versions and PDFs are real too.

Idempotent: a tenant that already has the demo programs is left alone.
"""

import datetime

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.utils import timezone

from coop.clock import tenant_today
from coop.models import Membership, Role, Tenant, User

from .models import Agreement, Partner, Program, Theme
from .selectors.agreements import current_version
from .services import (
    agreements,
    documents,
    education,
    entries,
    partners,
    placements,
    programs,
    selection,
    themes,
)

DEMO_IP = "127.0.0.1"


def _students(tenant, people, suffix, count):
    """The demo student plus `count` more, with the demo password."""
    from coop.management.commands.seed_demo import DEMO_PASSWORD  # the command module imports the registry

    password = make_password(DEMO_PASSWORD)
    extra = []
    for n in range(1, count + 1):
        user, _ = User.objects.get_or_create(
            email=f"student{n}@{suffix}.example.jp", defaults={"full_name": f"学生 {n:02d}", "password": password}
        )
        # kana and a student number, which the members and placements lists search
        identity = {"name_kana": f"ガクセイ {n:02d}", "student_number": f"S{26000 + n}"}
        Membership.objects.get_or_create(tenant=tenant, user=user, defaults={"role": Role.STUDENT, **identity})
        extra.append(user)
    return [people[Role.STUDENT], *extra]


def _partner(tenant, staff, name, *, kind=Partner.Kind.COMPANY, industry="", country="日本", address=""):
    return partners.partner_create(
        tenant=tenant, by=staff, name=name, kind=kind, industry=industry, country=country, address=address
    )


def _contact(partner, staff, full_name, title, email, *, user=None, primary=True):
    contact = partners.contact_save(
        partner=partner, by=staff, full_name=full_name, title=title, email=email, is_primary=primary
    )
    if user is not None:
        contact.user = user
        contact.save(update_fields=["user"])
    return contact


def _theme(
    tenant,
    staff,
    program,
    term,
    partner,
    title,
    *,
    state,
    track=Theme.Track.PROJECT_THEME,
    public=False,
    practitioner=None,
    capacity=2,
    months=6,
    description="",
    skills="",
    pay="時給 1,200円",
    place="",
):
    theme = themes.theme_save(
        tenant=tenant,
        by=staff,
        program=program,
        term=term,
        partner=partner,
        title=title,
        track=track,
        practitioner=practitioner,
        description=description or f"{partner.name}と共同で設定したテーマです。",
        required_skills=skills,
        capacity=capacity,
        duration_months=months,
        pay=pay,
        place=place or partner.address,
    )
    path = {
        Theme.State.DRAFT: [],
        Theme.State.AGREED: ["agreed"],
        Theme.State.OPEN: ["agreed", "open"],
        Theme.State.SELECTING: ["agreed", "open", "selecting"],
        Theme.State.FILLED: ["agreed", "open", "selecting", "filled"],
        Theme.State.CLOSED: ["agreed", "open", "selecting", "filled", "closed"],
        Theme.State.CANCELLED: ["cancelled"],
    }[state]
    for step in path:
        theme = themes.theme_transition(theme=theme, to=step, by=staff)
    if public:
        themes.theme_publish(theme=theme, public=True, by=staff)
    return theme


def _themes_set_together(tenant, staff, program, term, partner, partner_user):
    """A theme agreed by both sides in the portal (both confirmations recorded), and a draft the
    partner proposed, discussed in comments and confirmed from its side: waiting on the office."""
    agreed = themes.theme_save(
        tenant=tenant,
        by=staff,
        program=program,
        term=term,
        partner=partner,
        title="需要予測ダッシュボードの共同開発",
        description="販売データから需要を予測し、現場が毎朝見るダッシュボードを共同で開発する。",
        required_skills="Python、データの可視化",
        capacity=2,
        duration_months=6,
        pay="時給 1,200円",
        place=partner.address,
    )
    themes.theme_comment_add(
        theme=agreed, by=partner_user, body="期間は6か月でお願いします。指導は技術開発部が担当します。"
    )
    themes.theme_confirm(theme=agreed, by=partner_user)
    themes.theme_confirm(theme=agreed, by=staff)
    proposed = themes.theme_propose(
        partner=partner,
        by=partner_user,
        program=program,
        title="工場IoTデータの可視化と異常検知",
        description="工場のセンサーデータを集め、設備の異常を早期に知らせる仕組みを試作する。",
        required_skills="Python の基礎",
        capacity=1,
        duration_months=4,
        pay="時給 1,200円",
    )
    themes.theme_comment_add(
        theme=proposed, by=staff, body="学生の事前課題としてセンサーデータの基礎を学ぶ回を入れませんか。"
    )
    themes.theme_comment_add(theme=proposed, by=partner_user, body="賛成です。事前課題を追加しました。")
    themes.theme_confirm(theme=proposed, by=partner_user)


def _apply(theme, student, text="このテーマで実務を通して学びたいと考えています。"):
    return selection.application_submit(theme=theme, student=student, motivation=text)


def _render_now(agreement):
    """Renders the current version's PDF in this process if it has none: signing waits for the
    PDF, and seeding must not depend on a worker (with a broker the queued render comes later)."""
    version = current_version(agreement)
    if version is not None and not version.pdf:
        documents.agreement_version_render(version=version)


def _sign_all(agreement, *, staff, partner_user=None, student=None, outside_partner=False):
    """Signs every party of the current version: in the portal, or the partner on paper."""
    agreement.refresh_from_db()
    _render_now(agreement)
    for party in agreement.parties:
        if party == "institution":
            agreements.agreement_sign(
                agreement=agreement, party=party, signed_name=staff.full_name, signer=staff, ip_address=DEMO_IP
            )
        elif party == "partner" and (outside_partner or partner_user is None):
            agreements.agreement_mark_signed_outside(
                agreement=agreement,
                party=party,
                signed_name="代表取締役 山田 一郎",
                scan=ContentFile(b"%PDF-1.4 demo scan", name="signed-scan.pdf"),
                by=staff,
            )
        elif party == "partner":
            agreements.agreement_sign(
                agreement=agreement,
                party=party,
                signed_name=partner_user.full_name,
                signer=partner_user,
                ip_address=DEMO_IP,
            )
        elif party == "student":
            agreements.agreement_sign(
                agreement=agreement, party=party, signed_name=student.full_name, signer=student, ip_address=DEMO_IP
            )
        agreement.refresh_from_db()


def _place(theme, student, staff, *, faculty, supervisors=(), start, end, go_active=True, **extra):
    """(Application →) selection → acceptance → pledge signed → placement (→ active)."""
    application = theme.applications.filter(student=student).first() or _apply(theme, student)
    selection.application_select(application=application, by=staff)
    selection.application_accept(application=application, by=student)
    pledge = selection.application_prepare_pledge(application=application, by=staff)
    _sign_all(pledge, staff=staff, student=student)
    placement = placements.placement_create(
        theme=theme,
        student=student,
        application=application,
        by=staff,
        faculty_supervisor=faculty,
        supervisors=list(supervisors),
        starts_on=start,
        ends_on=end,
        pay=theme.pay,
        **extra,
    )
    if go_active:
        placement = placements.placement_transition(placement=placement, to="active", by=staff)
    return placement


def seed(tenant, people):
    if Program.objects.filter(tenant=tenant).exists():
        return
    if tenant.kind == Tenant.Kind.HIGH_SCHOOL:
        _seed_high_school(tenant, people)
    elif tenant.kind == Tenant.Kind.COORDINATOR:
        _seed_coordinator(tenant, people)
    else:
        _seed_university(tenant, people)


def _seed_university(tenant, people):
    staff, faculty, partner_user = people[Role.STAFF], people[Role.FACULTY], people[Role.PARTNER]
    # the demo student's address names the institution (univ, kgu...): its students are its own
    students = _students(tenant, people, people[Role.STUDENT].email.split("@")[1].split(".")[0], 8)
    today = tenant_today(tenant)

    coop = programs.program_save(
        tenant=tenant,
        by=staff,
        name="コーオプ教育プログラム",
        kind=Program.Kind.COOP,
        description="企業と大学が共同でテーマを設定し、学生が4か月から1年間、企業の実務に従事する産学協同型プログラム。",
    )
    term = programs.term_save(
        program=coop,
        by=staff,
        name="2026年度",
        academic_year=2026,
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2027, 3, 31),
    )
    programs.year_plan_set(program=coop, academic_year=2026, planned_outbound=8, planned_inbound=0, by=staff)
    programs.year_plan_set(program=coop, academic_year=2025, planned_outbound=5, planned_inbound=0, by=staff)
    exchange = programs.program_save(
        tenant=tenant,
        by=staff,
        name="ロシア極東大学との交流プログラム",
        kind=Program.Kind.EXCHANGE,
        description="学生の派遣と受入れ。",
    )
    ex_term = programs.term_save(
        program=exchange,
        by=staff,
        name="2026年度",
        academic_year=2026,
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2027, 3, 31),
    )
    programs.year_plan_set(program=exchange, academic_year=2026, planned_outbound=3, planned_inbound=2, by=staff)

    data = _partner(tenant, staff, "北陸データシステム株式会社", industry="情報通信業", address="石川県金沢市広岡1-1")
    data_boss = _contact(data, staff, partner_user.full_name, "技術開発部 部長", partner_user.email, user=partner_user)
    data_practitioner = partners.practitioner_appoint(
        contact=data_boss,
        by=staff,
        title="実務家教員（データサイエンス）",
        managerial_years=8,
        appointed_from=datetime.date(2026, 4, 1),
        appointed_until=datetime.date(2027, 3, 31),
    )
    security = _partner(
        tenant, staff, "金沢セキュリティ株式会社", industry="情報サービス業", address="石川県金沢市本町2-2"
    )
    _contact(security, staff, "佐藤 美咲", "セキュリティ運用課 課長", "sato@kanazawa-sec.example.jp")
    construction = _partner(tenant, staff, "加賀建設株式会社", industry="建設業", address="石川県小松市3-3")
    kaga_lead = _contact(construction, staff, "田中 誠", "DX推進室 室長", "tanaka@kaga-kensetsu.example.jp")
    kaga_practitioner = partners.practitioner_appoint(
        contact=kaga_lead,
        by=staff,
        title="実務家教員（建設DX）",
        managerial_years=4,
        exception_reason="室長就任前に8年間プロジェクト責任者を務めたため。",
        appointed_from=datetime.date(2026, 4, 1),
    )
    npo = _partner(
        tenant, staff, "能登まちづくりNPO", kind=Partner.Kind.NPO, industry="地域づくり", address="石川県輪島市"
    )
    city = _partner(tenant, staff, "白山市役所", kind=Partner.Kind.MUNICIPALITY, address="石川県白山市")
    fefu = _partner(
        tenant, staff, "極東連邦大学", kind=Partner.Kind.UNIVERSITY, country="ロシア", address="ウラジオストク"
    )

    # Themes in every state.
    quality = _theme(
        tenant,
        staff,
        coop,
        term,
        data,
        "製造データを活用した品質予測モデルの開発",
        state=Theme.State.OPEN,
        practitioner=data_practitioner,
        capacity=3,
        months=6,
        skills="Python、統計の基礎",
        description="工場の検査データを分析し、不良の発生を予測するモデルを開発する。",
    )
    secops = _theme(
        tenant,
        staff,
        coop,
        term,
        security,
        "サイバーセキュリティ運用の高度化",
        state=Theme.State.OPEN,
        public=True,
        months=4,
        skills="ネットワークの基礎",
        description="SOC業務の自動化ツールを企画・試作する。",
    )
    dx = _theme(
        tenant,
        staff,
        coop,
        term,
        construction,
        "建設業における分野融合によるDXと脱炭素への取り組み",
        state=Theme.State.OPEN,
        track=Theme.Track.DONATED_COURSE,
        practitioner=kaga_practitioner,
        public=True,
        months=8,
        description="寄附講座で基礎を学んだ後、現場のデータ活用と脱炭素施策を企画する。",
    )
    _theme(tenant, staff, coop, term, npo, "能登の観光を支える地域アプリの企画", state=Theme.State.AGREED, months=4)
    _themes_set_together(tenant, staff, coop, term, data, partner_user)
    _theme(tenant, staff, coop, term, city, "行政手続きのデジタル化支援", state=Theme.State.DRAFT, months=6)
    _theme(tenant, staff, coop, term, data, "ロボット制御ソフトウェアの試作", state=Theme.State.CANCELLED, months=6)
    exchange_theme = _theme(
        tenant,
        staff,
        exchange,
        ex_term,
        fefu,
        "極東連邦大学 派遣・受入れ 2026",
        state=Theme.State.OPEN,
        capacity=5,
        months=5,
        pay="",
    )

    # Pre-education: a pre-assignment with a submission, course sessions with attendance.
    assignment = education.pre_assignment_create(
        theme=secops,
        by=staff,
        title="事前課題：ログ分析レポート",
        due_at=timezone.now() + datetime.timedelta(days=14),
        instructions="配布するアクセスログを分析し、不審な通信を3件挙げて理由を説明してください。",
    )
    for student in students[3:5]:
        _apply(secops, student)
    education.submission_submit(assignment=assignment, student=students[3], text="不審な通信として次の3件を挙げます。…")
    selection.application_shortlist(application=secops.applications.get(student=students[4]), by=staff)
    sessions = [
        education.course_session_create(
            theme=dx,
            by=staff,
            title=f"寄附講座 第{n}回",
            place="23号館 201教室",
            starts_at=timezone.now() - datetime.timedelta(days=21 - 7 * n),
        )
        for n in (1, 2)
    ]
    for student in students[5:8]:
        _apply(dx, student)
    for session in sessions:
        education.attendance_record(
            session=session,
            by=staff,
            statuses={students[5].pk: "present", students[6].pk: "present", students[7].pk: "absent"},
        )

    # Agreements: in force, waiting for the partner, signed on paper, a draft memorandum.
    main_agreement = agreements.agreement_create(
        tenant=tenant,
        kind=Agreement.Kind.AGREEMENT,
        partner=data,
        theme=quality,
        title="コーオプ教育協定書",
        by=staff,
        valid_from=datetime.date(2026, 4, 1),
        valid_until=datetime.date(2027, 3, 31),
    )
    agreements.agreement_issue(agreement=main_agreement, by=staff)
    _sign_all(main_agreement, staff=staff, partner_user=partner_user)
    plan = agreements.agreement_create(
        tenant=tenant,
        kind=Agreement.Kind.IMPLEMENTATION_PLAN,
        partner=data,
        theme=quality,
        title="コーオプ教育実施計画書",
        by=staff,
        # The work period of the placements below: placements must lie within it.
        valid_from=today - datetime.timedelta(days=30),
        valid_until=today + datetime.timedelta(days=152),
    )
    agreements.agreement_issue(agreement=plan, by=staff)
    plan.refresh_from_db()
    _render_now(plan)
    agreements.agreement_sign(
        agreement=plan, party="institution", signed_name=staff.full_name, signer=staff, ip_address=DEMO_IP
    )
    kaga_agreement = agreements.agreement_create(
        tenant=tenant,
        kind=Agreement.Kind.AGREEMENT,
        partner=construction,
        theme=dx,
        title="コーオプ教育協定書",
        by=staff,
        valid_from=datetime.date(2026, 4, 1),
    )
    agreements.agreement_issue(agreement=kaga_agreement, by=staff)
    _sign_all(kaga_agreement, staff=staff, outside_partner=True)
    # Being amended: version 1 stays in force (and visible to the partner) until version 2 is signed.
    agreements.agreement_amend(agreement=kaga_agreement, reason="受入人数を2名から3名に増やすため", by=staff)
    agreements.agreement_update(agreement=kaga_agreement, by=staff, terms="受入人数は3名までとする。")
    old = agreements.agreement_create(
        tenant=tenant,
        kind=Agreement.Kind.AGREEMENT,
        partner=npo,
        title="連携協定書（2025年度）",
        by=staff,
        valid_from=datetime.date(2025, 4, 1),
    )
    agreements.agreement_issue(agreement=old, by=staff)
    _sign_all(old, staff=staff, outside_partner=True)
    agreements.agreement_terminate(agreement=old, reason="2026年度の新協定に切り替えたため", by=staff)
    agreements.agreement_create(
        tenant=tenant,
        kind=Agreement.Kind.COURSE_MEMORANDUM,
        partner=construction,
        theme=dx,
        title="寄附講座実施覚書",
        by=staff,
    )

    # Selection and placements: the demo student is placed and active.
    for student in (students[0], students[1], students[2], students[6]):
        _apply(quality, student)
    quality = themes.theme_transition(theme=quality, to="selecting", by=staff)
    for student in (students[7], students[8]):
        _apply(exchange_theme, student)
    exchange_theme = themes.theme_transition(theme=exchange_theme, to="selecting", by=staff)
    start = today - datetime.timedelta(days=30)
    _place(
        quality,
        students[0],
        staff,
        faculty=faculty,
        supervisors=[data_boss],
        start=start,
        end=start + datetime.timedelta(days=182),
    )
    suspended = _place(
        quality,
        students[1],
        staff,
        faculty=faculty,
        supervisors=[data_boss],
        start=start,
        end=start + datetime.timedelta(days=182),
    )
    placements.placement_transition(placement=suspended, to="suspended", by=staff, reason="体調不良のため2週間休止")
    offered = quality.applications.get(student=students[2])
    selection.application_select(application=offered, by=partner_user)
    selection.application_accept(application=offered, by=students[2])
    selection.application_prepare_pledge(application=offered, by=staff)  # waiting for the student's signature
    # Accepted, and the office has yet to issue the pledge: waiting on the office.
    waiting_pledge = secops.applications.get(student=students[3])
    selection.application_select(application=waiting_pledge, by=staff)
    selection.application_accept(application=waiting_pledge, by=students[3])
    withdrawn = dx.applications.get(student=students[7])
    selection.application_withdraw(application=withdrawn, by=students[7], note="派遣プログラムに専念するため")
    rejected = quality.applications.get(student=students[6])
    selection.application_reject(application=rejected, by=partner_user, note="今回は定員に達したため")
    outbound = _place(
        exchange_theme,
        students[7],
        staff,
        faculty=faculty,
        start=today - datetime.timedelta(days=40),  # last month's report waits for the faculty's comment
        end=today + datetime.timedelta(days=140),
    )
    placements.placement_grant_access(placement=outbound, user=people[Role.ADMIN], by=staff)
    _place(
        exchange_theme,
        students[8],
        staff,
        faculty=faculty,
        start=today + datetime.timedelta(days=20),
        end=today + datetime.timedelta(days=160),
        direction="inbound",
        go_active=False,
    )

    # Last year's theme: closed, with a completed placement.
    last_term = programs.term_save(
        program=coop,
        by=staff,
        name="2025年度",
        academic_year=2025,
        starts_on=datetime.date(2025, 4, 1),
        ends_on=datetime.date(2026, 3, 31),
    )
    inspection = _theme(
        tenant,
        staff,
        coop,
        last_term,
        data,
        "画像検査システムの開発（2025年度）",
        state=Theme.State.OPEN,
        practitioner=data_practitioner,
        capacity=2,
    )
    done = _place(
        inspection,
        students[4],
        staff,
        faculty=faculty,
        supervisors=[data_boss],
        start=datetime.date(2025, 9, 1),
        end=datetime.date(2026, 2, 27),
    )
    done = placements.placement_transition(placement=done, to="completed", by=staff)
    placements.career_outcome_record(
        placement=done,
        by=staff,
        offer_received=True,
        hired_by_partner=True,
        hired_in_japan=True,
        stayed_in_region=True,
        notes="2027年4月 入社予定",
    )
    ended = _place(
        inspection, students[5], staff, faculty=faculty, start=datetime.date(2025, 9, 1), end=datetime.date(2026, 2, 27)
    )
    placements.placement_transition(placement=ended, to="terminated", by=staff, reason="学業との両立が難しくなったため")
    for step in ("selecting", "filled", "closed"):
        inspection = themes.theme_transition(theme=inspection, to=step, by=staff)


def _seed_high_school(tenant, people):
    staff, faculty, partner_user = people[Role.STAFF], people[Role.FACULTY], people[Role.PARTNER]
    students = _students(tenant, people, "school", 3)
    today = tenant_today(tenant)
    dual = programs.program_save(
        tenant=tenant,
        by=staff,
        name="デュアルシステム（週1日の企業実習）",
        kind=Program.Kind.DUAL_SYSTEM,
        description="毎週水曜日に地域企業で実習する。",
    )
    term = programs.term_save(
        program=dual,
        by=staff,
        name="2026年度",
        academic_year=2026,
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2027, 3, 31),
    )
    programs.year_plan_set(program=dual, academic_year=2026, planned_outbound=6, planned_inbound=0, by=staff)
    precision = _partner(tenant, staff, "札幌精密工業株式会社", industry="製造業", address="北海道札幌市東区")
    boss = _contact(precision, staff, partner_user.full_name, "製造部 課長", partner_user.email, user=partner_user)
    partners.practitioner_appoint(
        contact=boss, by=staff, title="産業実務家教員", managerial_years=12, appointed_from=datetime.date(2026, 4, 1)
    )
    food = _partner(tenant, staff, "北海道食品加工株式会社", industry="食料品製造業", address="北海道石狩市")
    electric = _partner(tenant, staff, "石狩電設株式会社", industry="設備工事業", address="北海道石狩市")
    machining = _theme(
        tenant,
        staff,
        dual,
        term,
        precision,
        "精密加工の基礎実習",
        state=Theme.State.OPEN,
        months=10,
        capacity=3,
        pay="",
        description="旋盤・フライス盤の基本操作と品質管理を学ぶ。",
    )
    _theme(
        tenant,
        staff,
        dual,
        term,
        food,
        "食品加工ラインの衛生管理実習",
        state=Theme.State.OPEN,
        months=10,
        pay="",
        public=True,
    )
    _theme(tenant, staff, dual, term, electric, "電気設備保守の実習", state=Theme.State.DRAFT, months=10, pay="")
    agreement = agreements.agreement_create(
        tenant=tenant,
        kind=Agreement.Kind.AGREEMENT,
        partner=precision,
        theme=machining,
        title="デュアルシステム実施協定書",
        by=staff,
        # It covers the placement below, which starts and ends relative to today.
        valid_from=today - datetime.timedelta(days=40),
        valid_until=today + datetime.timedelta(days=200),
    )
    agreements.agreement_issue(agreement=agreement, by=staff)
    _sign_all(agreement, staff=staff, partner_user=partner_user)
    for student in students[:2]:
        _apply(machining, student)
    machining = themes.theme_transition(theme=machining, to="selecting", by=staff)
    _place(
        machining,
        students[0],
        staff,
        faculty=faculty,
        supervisors=[boss],
        start=today - datetime.timedelta(days=40),
        end=today + datetime.timedelta(days=200),
        schedule="weekly_days",
        weekdays="2",
    )


def _seed_coordinator(tenant, people):
    """A regional coordinator organization (seed 002): a public project index with three open
    projects (a town office, a company, an NPO), one confirmed entry waiting for selection, and
    one running practical internship, 4 days a week for about six months: the tenant's only
    ACTIVE placement, to which other seeders attach meetings, reflections and surveys."""
    from coop.management.commands.seed_demo import DEMO_PASSWORD  # the command module imports the registry

    staff, faculty, partner_user = people[Role.STAFF], people[Role.FACULTY], people[Role.PARTNER]
    today = tenant_today(tenant)
    year = today.year if today.month >= 4 else today.year - 1
    program = programs.program_save(
        tenant=tenant,
        by=staff,
        name="実践型インターンシップ",
        kind=Program.Kind.PRACTICAL_INTERNSHIP,
        description="地域・企業の課題解決や新しい価値づくりに、若者が1か月から1年間取り組むプログラム。"
        "地元から通う若者は週3〜4日、遠方からの若者は住み込みで参加する。",
    )
    term = programs.term_save(
        program=program,
        by=staff,
        name=f"{year}年度",
        academic_year=year,
        starts_on=datetime.date(year, 4, 1),
        ends_on=datetime.date(year + 1, 3, 31),
    )
    programs.year_plan_set(program=program, academic_year=year, planned_outbound=6, planned_inbound=0, by=staff)
    entries.entry_schools_set(
        tenant=tenant,
        names=["北海道大学", "北見工業大学", "帯広畜産大学", "旭川市立大学", "公立はこだて未来大学", "札幌市立大学"],
        by=staff,
    )

    town = _partner(tenant, staff, "北見市役所 地域振興課", kind=Partner.Kind.MUNICIPALITY, address="北海道北見市")
    _contact(town, staff, "佐々木 陽子", "地域振興課 主査", "sasaki@city-kitami.example.jp")
    farm = _partner(
        tenant, staff, "十勝フードラボ株式会社", industry="食料品製造業", address="北海道帯広市西2条南9丁目"
    )
    farm_boss = _contact(farm, staff, partner_user.full_name, "代表取締役", partner_user.email, user=partner_user)
    npo = _partner(
        tenant,
        staff,
        "NPO法人 函館まちづくりラボ",
        kind=Partner.Kind.NPO,
        industry="地域づくり",
        address="北海道函館市",
    )
    _contact(npo, staff, "高橋 健", "事務局長", "takahashi@hakodate-lab.example.jp")

    def project(partner, title, description, skills, *, months, pay, place):
        return _theme(
            tenant,
            staff,
            program,
            term,
            partner,
            title,
            state=Theme.State.OPEN,
            public=True,
            capacity=1,
            months=months,
            description=description,
            skills=skills,
            pay=pay,
            place=place,
        )

    project(
        town,
        "関係人口を増やす「北見ワーケーション」企画",
        "市外の若者や企業が北見に通い続けたくなるワーケーションの仕組みを、市役所の担当者と一緒に企画し、"
        "モニターツアーを実施する。",
        "企画書づくり、SNSでの発信に関心がある方",
        months=3,
        pay="活動支援金 月3万円、交通費支給",
        place="北海道北見市（週3〜4日、オンライン併用）",
    )
    project(
        farm,
        "十勝の規格外野菜を使った新商品の開発と販路開拓",
        "規格外で出荷できない野菜を使った加工品を、社長の右腕として企画から試作・販売まで担う。",
        "食や農業、商品企画に関心がある方",
        months=6,
        pay="活動支援金 月5万円、住居提供",
        place="北海道帯広市（住み込み可）",
    )
    project(
        npo,
        "函館の空き家を活かした若者の拠点づくり",
        "西部地区の空き家を改修し、若者が集まり挑戦できる拠点を地域の人たちとつくる。",
        "まちづくり、空間づくり、イベント運営に関心がある方",
        months=4,
        pay="活動支援金 月3万円",
        place="北海道函館市",
    )

    # The running internship: the demo student, with the company's president as supervisor.
    running = _theme(
        tenant,
        staff,
        program,
        term,
        farm,
        "十勝産チーズのオンライン直販の立ち上げ",
        state=Theme.State.OPEN,
        capacity=1,
        months=6,
        description="自社チーズのオンライン直販サイトを立ち上げ、定期便の仕組みをつくる。",
        pay="活動支援金 月5万円",
        place="北海道帯広市（週4日）",
    )
    start = today - datetime.timedelta(days=45)
    end = start + datetime.timedelta(days=182)
    agreement = agreements.agreement_create(
        tenant=tenant,
        kind=Agreement.Kind.AGREEMENT,
        partner=farm,
        theme=running,
        title="実践型インターンシップ実施協定書",
        by=staff,
        valid_from=start,
        valid_until=end,
    )
    agreements.agreement_issue(agreement=agreement, by=staff)
    _sign_all(agreement, staff=staff, partner_user=partner_user)
    _place(
        running,
        people[Role.STUDENT],
        staff,
        faculty=faculty,
        supervisors=[farm_boss],
        start=start,
        end=end,
        schedule="weekly_days",
        weekdays="0,1,3,4",
    )

    # A confirmed entry from the public index, waiting for the coordinator's interview.
    waiting_theme = Theme.objects.get(tenant=tenant, title="十勝の規格外野菜を使った新商品の開発と販路開拓")
    entry, _token = entries.entry_submit(
        theme=waiting_theme,
        full_name="応募 葵",
        email="applicant@coord.example.jp",
        school="北見工業大学",
        year="3",
        motivation="実家が農家で、規格外の野菜が捨てられるのを見てきました。商品にして届ける仕組みに挑戦したいです。",
    )
    entries.entry_confirm(entry=entry, password=DEMO_PASSWORD)

"""Demo data (seed 004): the consortium of the demo university (hokuriku-tech) and a second
university (kanazawa-global) running one common career and settlement program for
international students. Each member adopts it and has its own students, placements with
career outcomes and pre/post self-assessments on the common rubric; a company both work with
is one shared partner record; each shares a good-practice write-up. The common program carries
a completion survey for the students and a report guide, so each member has its own copy of
both. The coordinator
(consortium@example.jp) is a member of no institution.

Idempotent: a member that has adopted the program already is left alone.
"""

import datetime

from django.contrib.auth.hashers import make_password

from coop.clock import tenant_today
from coop.models import Membership, Role, User
from placements.models import CareerOutcome, Partner, Placement, Theme
from placements.services.partners import partner_create
from rubrics.models import Phase, Rater
from rubrics.services import assessment_submit, window_create

from . import selectors, services
from .models import Adoption, Consortium, PracticeCase, SharedPartner, Stage

SLUG = "hokuriku-career"
MEMBERS = ("hokuriku-tech", "kanazawa-global")
COORDINATOR = "consortium@example.jp"
SHARED_COMPANY = ("北陸ものづくり精機株式会社", "3220001012345", "石川県金沢市広岡1-1-1")

PHASES = {
    Stage.BEFORE_JOB_HUNTING: "日本の企業文化とキャリア設計を学ぶ授業、地域企業の見学、インターンシップ（就業体験）。",
    Stage.JOB_HUNTING: "エントリーシート・面接の個別指導、合同企業説明会、内定までの伴走支援。",
    Stage.SETTLEMENT: "入社後1年間のフォローアップ面談、地域の生活・交流イベント、定着状況の確認。",
}
TEMPLATES = [
    {
        "kind": "agreement",
        "title": "協定書",
        "text": "第1条（目的）本協定は、留学生のキャリア形成と地域定着を目的とするインターンシップの実施に関し、"
        "大学と受入企業の役割を定める。\n第2条（個人情報）受入企業は、学生の個人情報を本協定の目的以外に用いない。",
    },
    {
        "kind": "student_pledge",
        "title": "実施誓約書",
        "text": "私は、受入企業の規則を守り、知り得た秘密を漏らさず、本プログラムの報告を期限までに提出します。",
    },
]

# The students' report guide: what the common program asks them to write through its three
# phases (before job hunting, job hunting, settlement in the region).
REPORT_GUIDE = {
    "hours": "休憩を除いた実働時間を書いてください（授業・企業見学の日も）。",
    "done": "今日の業務や活動を、だれと・何を・どこまで進めたか具体的に書いてください。",
    "learned": "日本の職場の習慣や仕事の進め方で気づいたこと、身についた日本語の表現を書いてください。",
    "problems": "言葉や文化の違いで困ったこと、相談したいこと（在留資格・生活のことも）を書いてください。",
    "next_steps": "明日の予定と、就職活動や地域での生活に向けて次にすることを書いてください。",
    "summary": "今月の活動と、就職・地域定着に向けた進み具合（フェーズ）をまとめてください。",
    "reflection": "日本企業で働くこと、この地域に住み続けることについて、今月考えたことを書いてください。",
}
# The survey every member asks its international students at the end of the program.
SURVEY_FORMS = [
    {
        "code": "completion",
        "name": "留学生向け 修了時アンケート",
        "description": "プログラムを修了した留学生の皆さんに伺います。回答は各大学のプログラム改善に使います。",
        "questions": [
            {"text": "プログラム全体の満足度", "type": "rating", "required": True},
            {"text": "日本企業で働くイメージを持てましたか", "type": "rating", "required": True},
            {
                "text": "役に立った支援（複数選択可）",
                "type": "multiple",
                "choices": [
                    "企業文化の授業",
                    "企業見学・インターンシップ",
                    "面接・エントリーシート指導",
                    "生活・在留資格の相談",
                ],
            },
            {
                "text": "卒業後、この地域で働きたいですか",
                "type": "single",
                "required": True,
                "choices": ["働きたい", "条件が合えば働きたい", "他の地域で働きたい", "帰国する予定"],
            },
            {"text": "プログラムへの意見・後輩へのアドバイス", "type": "text"},
        ],
    }
]

# Per member: (students, with an offer, hired in Japan, hired by the partner, stayed in the region).
OUTCOMES = {"hokuriku-tech": (8, 7, 6, 3, 5), "kanazawa-global": (6, 5, 5, 2, 4)}


def _coordinator():
    # the command module imports the registry, which imports this app: read it when seeding
    from coop.management.commands.seed_demo import DEMO_PASSWORD, ensure_user

    user = ensure_user(COORDINATOR, "コンソーシアム 事務局")
    if not user.has_usable_password():
        user.password = make_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _consortium(coordinator):
    consortium = Consortium.objects.filter(slug=SLUG).first()
    if consortium is None:
        consortium = services.consortium_create(
            name="北陸留学生キャリア形成・地域定着コンソーシアム",
            slug=SLUG,
            description="地方の国際化と活性化を推進する、留学生キャリア形成・地域定着促進プロジェクトの連携大学コンソーシアム。",
        )
    services.consortium_coordinator_add(consortium=consortium, user=coordinator)
    if selectors.latest_version(consortium) is None:
        services.common_program_publish(
            consortium=consortium,
            by=coordinator,
            name="留学生キャリア形成・地域定着プログラム",
            description="連携大学で共通化した、外国人留学生の日本企業への就職と地域への定着を支援するプログラム。",
            phases=PHASES,
            rubric=services.rubric_from_template("five_abilities", name="留学生キャリア形成ルーブリック"),
            templates=TEMPLATES,
            evaluation_form={
                "name": "留学生インターンシップ評価票",
                "criteria_text": "日本語でのコミュニケーション | 報告・連絡・相談ができる\n"
                "主体性 | 自分から課題を見つけて取り組む\n異文化理解 | 職場の慣習を理解し、自分の強みを活かす",
                "questions_text": "この地域で働き続けたいと思いましたか。その理由は何ですか。",
                "scale_max": 4,
            },
            survey_forms=SURVEY_FORMS,
            report_guide=REPORT_GUIDE,
            changes="初版",
        )
    if not SharedPartner.objects.filter(consortium=consortium).exists():
        name, number, address = SHARED_COMPANY
        services.shared_partner_create(
            consortium=consortium, by=coordinator, name=name, corporate_number=number, address=address
        )
    return consortium


def seed(tenant, people):
    if tenant.slug not in MEMBERS:
        return
    consortium = _consortium(_coordinator())
    today = tenant_today(tenant)
    year = selectors.academic_year_of(today)
    services.consortium_member_add(consortium=consortium, tenant=tenant, joined_on=datetime.date(year - 1, 10, 1))
    if Adoption.objects.filter(tenant=tenant, consortium=consortium).exists():
        return
    admin, staff = people[Role.ADMIN], people[Role.STAFF]
    adoption = services.common_program_adopt(consortium=consortium, tenant=tenant, by=admin)
    program = adoption.program

    name, number, address = SHARED_COMPANY
    company = Partner.objects.filter(tenant=tenant, name=name).first() or partner_create(
        tenant=tenant, by=staff, name=name, industry="精密機械", address=address
    )
    shared = SharedPartner.objects.get(consortium=consortium, corporate_number=number)
    services.partner_link(partner=company, shared_partner=shared, by=staff)
    theme = Theme.objects.create(
        tenant=tenant,
        program=program,
        partner=company,
        title="海外向け製品マニュアルの多言語化と現地ニーズ調査",
        description="留学生の語学力と専門性を活かし、海外取引先向けの資料作成と市場調査に取り組む。",
        capacity=10,
        duration_months=3,
        state=Theme.State.FILLED,
        created_by=staff,
    )

    count, offers, japan, by_partner, stayed = OUTCOMES[tenant.slug]
    suffix = people[Role.STUDENT].email.split("@", 1)[1].split(".", 1)[0]
    password = make_password("!")  # the international students do not sign in in the demo
    starts_on = datetime.date(year, 4, 1) + datetime.timedelta(days=7)
    ends_on = max(starts_on, today - datetime.timedelta(days=1))
    placements = []
    for n in range(1, count + 1):
        student, _ = User.objects.get_or_create(
            email=f"intl{n}@{suffix}.example.jp", defaults={"full_name": f"留学生 {n:02d}", "password": password}
        )
        Membership.objects.get_or_create(
            tenant=tenant, user=student, defaults={"role": Role.STUDENT, "student_number": f"I{year}{n:03d}"}
        )
        placement = Placement.objects.create(
            tenant=tenant,
            student=student,
            theme=theme,
            partner=company,
            faculty_supervisor=people[Role.FACULTY],
            starts_on=starts_on,
            ends_on=ends_on,
            state=Placement.State.COMPLETED,
        )
        CareerOutcome.objects.create(
            tenant=tenant,
            placement=placement,
            offer_received=n <= offers,
            hired_in_japan=n <= japan,
            hired_by_partner=n <= by_partner,
            stayed_in_region=n <= stayed,
            recorded_by=staff,
        )
        placements.append(placement)

    windows = {
        phase: window_create(
            tenant=tenant,
            by=staff,
            rubric=adoption.rubric,
            phase=phase,
            opens_on=starts_on,
            closes_on=ends_on,
            raters=[Rater.SELF],
            program=program,
        )
        for phase in (Phase.PRE, Phase.POST)
    }
    keys = [criterion["key"] for criterion in adoption.rubric.criteria]
    for n, placement in enumerate(placements):
        for phase, base in ((Phase.PRE, 1 + n % 2), (Phase.POST, 2 + n % 3)):
            assessment_submit(
                window=windows[phase],
                placement=placement,
                rater=Rater.SELF,
                raw={key: str(min(4, base + (i % 2))) for i, key in enumerate(keys)},
                by=placement.student,
                today=starts_on,
            )

    if not PracticeCase.objects.filter(tenant=tenant).exists():
        case = services.practice_save(
            tenant=tenant,
            consortium=consortium,
            by=staff,
            title=f"{tenant.name}: 地域企業との合同面接会",
            practice="地域の企業5社と留学生向けの合同面接会を開催し、事前に日本語での自己紹介と企業研究を指導した。",
            lessons="企業側にも留学生の在留資格や採用手続きの説明会を用意すると、内定後の手続きが円滑になった。",
        )
        services.practice_share(case=case, by=staff)

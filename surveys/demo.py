"""Demo data for `make run`: every demo tenant gets a survey form for after a program; a
coordinator organization (seed 002) also gets a finished survey round over its program with
the answers of the student, the partner supervisor and the coordinator, made through the real
services, so its results page and term summary show something.

Idempotent: a tenant with a survey form gets no second one, a coordinator organization with a
survey round no second round. Without placements the tenant gets only the form (a later run,
after the placements are seeded, adds the round).
"""

import datetime

from coop.clock import tenant_today
from coop.models import Role, Tenant
from placements.models import Placement

from .models import Audience, QuestionType, SurveyForm, SurveyResponse, SurveyRound
from .selectors import SURVEYED_STATES
from .services import form_create, response_submit, round_create

FORM_NAME = "プログラム終了後アンケート"
FORM_CODE = "after-program"
QUESTIONS = [
    {"text": "プログラム全体の満足度", "type": QuestionType.RATING, "required": True},
    {"text": "プロジェクトの目標をどの程度達成できましたか", "type": QuestionType.RATING, "required": True},
    {
        "text": "特に成果があったこと(複数選択可)",
        "type": QuestionType.MULTIPLE,
        "choices": ["事業・業務の前進", "地域とのつながり", "若者の成長", "組織の変化"],
    },
    {
        "text": "次のプロジェクトにも関わりたいですか",
        "type": QuestionType.SINGLE,
        "required": True,
        "choices": ["ぜひ関わりたい", "条件が合えば", "今回で終わり"],
    },
    {"text": "良かった点・改善してほしい点", "type": QuestionType.TEXT},
]
ANSWERS = {
    Audience.STUDENT: {
        "q1": "5",
        "q2": "4",
        "q3": ["若者の成長", "地域とのつながり"],
        "q4": "ぜひ関わりたい",
        "q5": "社長の右腕として新商品の企画から販売まで関われた。週1回の振り返りの対話で次の一手が明確になった。",
    },
    Audience.PARTNER: {
        "q1": "4",
        "q2": "4",
        "q3": ["事業・業務の前進", "組織の変化"],
        "q4": "ぜひ関わりたい",
        "q5": "社員だけでは手が回らなかった販路開拓が進んだ。受け入れ前の準備期間をもう少し長く取りたい。",
    },
    Audience.STAFF: {
        "q1": "4",
        "q2": "3",
        "q3": ["地域とのつながり", "若者の成長"],
        "q4": "条件が合えば",
        "q5": "中間の振り返りで目標を見直したことが成果につながった。",
    },
}


def seed(tenant, people):
    staff = people[Role.STAFF]
    form = SurveyForm.objects.filter(tenant=tenant, code=FORM_CODE, version=1).first()
    if form is None:
        if SurveyForm.objects.filter(tenant=tenant).exists():
            return  # the tenant's own forms: left alone
        form = form_create(
            tenant=tenant,
            by=staff,
            name=FORM_NAME,
            description="プログラムを終えた学生、受入企業の担当者、コーディネーターに伺います。",
            questions=[dict(q) for q in QUESTIONS],
            code=FORM_CODE,
        )
    if tenant.kind != Tenant.Kind.COORDINATOR or SurveyRound.objects.filter(tenant=tenant).exists():
        return
    placement = (
        Placement.objects.filter(tenant=tenant, state__in=SURVEYED_STATES)
        .select_related("theme__program", "theme__term")
        .order_by("pk")
        .first()
    )
    if placement is None:
        return
    today = tenant_today(tenant)
    survey_round = round_create(
        tenant=tenant,
        by=staff,
        form=form,
        program=placement.theme.program,
        term=placement.theme.term,
        opens_on=today - datetime.timedelta(days=21),
        closes_on=today - datetime.timedelta(days=1),
        audiences=Audience.values,
    )
    answered_on = survey_round.opens_on + datetime.timedelta(days=3)
    for response in SurveyResponse.objects.filter(round=survey_round).select_related(
        "placement__student", "contact__user"
    ):
        if response.audience == Audience.STUDENT:
            by, name = response.placement.student, ""
        elif response.audience == Audience.PARTNER:
            by, name = response.contact.user, response.contact.full_name
        else:
            by, name = staff, ""
        response_submit(response=response, raw=ANSWERS[response.audience], by=by, name=name, today=answered_on)

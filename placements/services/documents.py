"""The documents of agreements: the frozen text of a version (what it says, fixed at issue in
`AgreementVersion.context`) and its PDF, rendered by WeasyPrint in a Celery task with the
signatures recorded so far. The other half, drafting, issuing and signing, is agreements.py.
"""

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from coop.clock import tenant_today, tenant_zone

from ..models import Agreement, AgreementVersion, Placement, Signature, Theme
from ..selectors.agreements import work_period_agreement

logger = logging.getLogger(__name__)

AGREEMENT_FIELDS = ("kind", "partner", "theme", "application", "title", "valid_from", "valid_until", "terms")
AMENDED = "agreement.amended"

# The documents are Japanese legal texts whatever the reader's interface language.
DEFAULT_TITLES = {
    Agreement.Kind.AGREEMENT: "コーオプ教育協定書",
    Agreement.Kind.IMPLEMENTATION_PLAN: "コーオプ教育実施計画書",
    Agreement.Kind.COURSE_MEMORANDUM: "寄附講座実施覚書",
    Agreement.Kind.STUDENT_PLEDGE: "実施誓約書",
}
REFERENCE_CODES = {
    Agreement.Kind.AGREEMENT: "AG",
    Agreement.Kind.IMPLEMENTATION_PLAN: "IP",
    Agreement.Kind.COURSE_MEMORANDUM: "CM",
    Agreement.Kind.STUDENT_PLEDGE: "SP",
}
TRACKS_JA = {Theme.Track.DONATED_COURSE: "寄附講座型", Theme.Track.PROJECT_THEME: "プロジェクトテーマ型"}
TENANT_KINDS_JA = {"university": "大学", "high_school": "学校", "coordinator": "コーディネート機関"}
PARTNER_KINDS_JA = {"company": "受入企業", "university": "連携機関", "municipality": "連携自治体", "npo": "連携団体"}
WEEKDAYS_JA = "月火水木金土日"
# What the documents call the education and the partner, by the theme's program kind and the
# partner's kind: a partner university is 貴学, not 貴社; an exchange is not コーオプ教育.
PROGRAM_EDUCATION_JA = {
    "coop": "コーオプ教育",
    "practical_internship": "実践型インターンシップ",
    "exchange": "学生交流",
    "dual_system": "デュアルシステムによる実習",
}
PARTNER_YOU_JA = {"company": "貴社", "university": "貴学", "municipality": "貴庁", "npo": "貴団体"}


def default_title(kind, theme=None):
    """The usual title of an agreement of `kind`, in the words of its theme's program."""
    title = DEFAULT_TITLES.get(kind, "")
    program_kind = theme.program.kind if theme is not None else "coop"
    return title.replace("コーオプ教育", PROGRAM_EDUCATION_JA.get(program_kind, "コーオプ教育"))


# --- The frozen text of a version --------------------------------------------------------


def _ja_date(value):
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def _ja_datetime(value, tz):
    if not value:
        return ""
    local = timezone.localtime(value, tz)
    return f"{_ja_date(local)} {local:%H:%M}"


def _period_text(start, end):
    if start and end:
        return f"{_ja_date(start)}から{_ja_date(end)}まで"
    if start:
        return f"{_ja_date(start)}から1年間"
    if end:
        return f"最後の署名の日から{_ja_date(end)}まで"
    return "最後の署名の日から1年間"


def _schedule_text(placement):
    if placement.schedule == Placement.Schedule.FULL_TIME:
        return "平日（週5日）"
    days = "・".join(WEEKDAYS_JA[d] for d in placement.weekday_numbers if 0 <= d < 7)
    return f"毎週 {days}曜日" if days else "曜日指定"


def _placements_for(agreement):
    if agreement.application_id is not None:
        qs = Placement.objects.filter(application_id=agreement.application_id)
    elif agreement.theme_id is not None:
        qs = Placement.objects.filter(theme_id=agreement.theme_id).exclude(state=Placement.State.TERMINATED)
    else:
        return []
    return list(
        qs.select_related("student", "faculty_supervisor")
        .prefetch_related("supervisors__contact")
        .order_by("starts_on", "id")
    )


def agreement_snapshot(agreement, *, number, reason=""):
    """What version `number` says, as JSON: parties, theme, people, dates and terms."""
    tenant = agreement.tenant
    tz = tenant_zone(tenant)
    partner = agreement.partner
    theme = (
        Theme.objects.select_related("program", "term", "practitioner__contact").get(pk=agreement.theme_id)
        if agreement.theme_id
        else None
    )
    application = agreement.application if agreement.application_id else None
    student = application.student if application else None
    placements = _placements_for(agreement)
    primary = partner.contacts.order_by("-is_primary", "full_name").first()

    start = agreement.valid_from or (placements[0].starts_on if placements else None)
    end = agreement.valid_until or (max(p.ends_on for p in placements) if placements else None)
    if agreement.kind == Agreement.Kind.STUDENT_PLEDGE and theme and not (start or end):
        # The pledge states the work period: the one its theme's plan sets, not the whole term.
        plan = work_period_agreement(theme)
        if plan is not None and plan.kind == Agreement.Kind.IMPLEMENTATION_PLAN:
            start, end = plan.valid_from, plan.valid_until
    if theme and theme.term and not (start or end):
        start, end = theme.term.starts_on, theme.term.ends_on

    practitioner = None
    if theme and theme.practitioner_id:
        practitioner = {"name": theme.practitioner.contact.full_name, "title": theme.practitioner.title}

    supervisors, faculty = {}, []
    for placement in placements:
        if placement.faculty_supervisor and str(placement.faculty_supervisor) not in faculty:
            faculty.append(str(placement.faculty_supervisor))
        for link in placement.supervisors.all():
            supervisors.setdefault(link.contact_id, {"name": link.contact.full_name, "title": link.contact.title})
    if not supervisors and primary is not None:
        supervisors[primary.pk] = {"name": primary.full_name, "title": primary.title}

    course_sessions, pre_assignments = [], []
    if theme is not None:
        course_sessions = [
            {"title": s.title, "when": _ja_datetime(s.starts_at, tz), "place": s.place}
            for s in theme.course_sessions.order_by("starts_at")
        ]
        pre_assignments = [
            {"title": a.title, "when": _ja_datetime(a.due_at, tz)} for a in theme.pre_assignments.order_by("due_at")
        ]
    issued_on = tenant_today(tenant)
    program_kind = theme.program.kind if theme else "coop"
    return {
        "schema": 1,
        "kind": agreement.kind,
        "title": agreement.title,
        "number": number,
        "reason": reason,
        "reference": f"{tenant.slug.upper()}-{REFERENCE_CODES[agreement.kind]}-{agreement.pk:05d}",
        "issued_on": issued_on.isoformat(),
        "issued_on_text": _ja_date(issued_on),
        "parties": list(agreement.parties),
        "institution": {"name": tenant.name, "kind": tenant.kind, "kind_ja": TENANT_KINDS_JA.get(tenant.kind, "機関")},
        "program": {
            "kind": program_kind,
            "education": PROGRAM_EDUCATION_JA.get(program_kind, PROGRAM_EDUCATION_JA["coop"]),
        },
        "partner": {
            "name": partner.name,
            "kind": partner.kind,
            "you": PARTNER_YOU_JA.get(partner.kind, "貴機関"),
            "address": partner.address,
            "phone": partner.phone,
            "contact": {"name": primary.full_name, "title": primary.title} if primary else None,
        },
        "theme": {
            "title": theme.title,
            "track": theme.track,
            "track_label": TRACKS_JA.get(theme.track, theme.track),
            "description": theme.description,
            "required_skills": theme.required_skills,
            "capacity": theme.capacity,
            "duration_months": theme.duration_months,
            "pay": theme.pay,
            "place": theme.place,
            "program": theme.program.name,
            "term": theme.term.name if theme.term else "",
        }
        if theme
        else None,
        "student": {"name": str(student)} if student else None,
        "practitioner": practitioner,
        "faculty_supervisors": faculty,
        "partner_supervisors": list(supervisors.values()),
        "students": [
            {
                "name": str(p.student),
                "period": f"{_ja_date(p.starts_on)}〜{_ja_date(p.ends_on)}",
                "schedule": _schedule_text(p),
            }
            for p in placements
        ],
        "valid_from": agreement.valid_from.isoformat() if agreement.valid_from else "",
        "valid_until": agreement.valid_until.isoformat() if agreement.valid_until else "",
        "period_text": _period_text(start, end),
        "start_text": _ja_date(start),
        "end_text": _ja_date(end),
        "course_sessions": course_sessions,
        "pre_assignments": pre_assignments,
        "schedule": _plan_schedule(start, end, course_sessions, pre_assignments, issued_on),
        "terms": agreement.terms,
    }


def _plan_schedule(start, end, course_sessions, pre_assignments, issued_on):
    """The KIT co-op flow (seed 000) with this agreement's dates where they are known."""
    if course_sessions:
        pre = f"{course_sessions[0]['when'].split(' ')[0]}〜{course_sessions[-1]['when'].split(' ')[0]}"
        pre_what = "事前教育（寄附講座の受講）"
    elif pre_assignments:
        pre = f"{pre_assignments[-1]['when'].split(' ')[0]}まで"
        pre_what = "事前教育（事前課題・事前面談）"
    else:
        pre, pre_what = "就業開始前", "事前教育（寄附講座又は事前課題・事前面談）"
    return [
        {"when": "実施前", "what": "事前協議・教育テーマの設定", "who": "甲・乙"},
        {"when": _ja_date(issued_on), "what": "協定書・実施計画書の締結、実務家教員の招聘", "who": "甲・乙"},
        {"when": pre, "what": pre_what, "who": "甲・乙"},
        {"when": "就業開始前", "what": "学生の選考、実施誓約書の提出", "who": "乙・学生"},
        {"when": _ja_date(start) or "甲乙協議のうえ定める日", "what": "就業開始", "who": "学生・乙"},
        {"when": "就業期間中（毎日）", "what": "月報の記入、企業担当者によるフィードバック", "who": "学生・乙"},
        {"when": "就業期間中（月1回）", "what": "就業状況の確認と共有", "who": "指導教員・実務家教員"},
        {"when": _ja_date(end) or "甲乙協議のうえ定める日", "what": "就業終了", "who": "学生・乙"},
        {"when": "就業終了後1か月以内", "what": "最終報告書・評価報告書の提出", "who": "学生・乙"},
        {"when": "就業終了後", "what": "最終報告会（必要に応じて協議し開催）", "who": "甲・乙・学生"},
    ]


# --- PDFs ----------------------------------------------------------------------------------


def _party_blocks(snapshot, signatures):
    """One signature block per party, in the agreement's order, filled in where signed."""
    tz = None
    by_party = {s.party: s for s in signatures}
    marks = {"institution": "甲", "partner": "乙"} if snapshot["kind"] != Agreement.Kind.STUDENT_PLEDGE else {}
    blocks = []
    for party in snapshot["parties"]:
        if party == "institution":
            institution = snapshot["institution"]
            heading = TENANT_KINDS_JA.get(institution.get("kind"), "機関")
            if snapshot["kind"] == Agreement.Kind.STUDENT_PLEDGE:
                heading = f"確認者（{heading}）"
            block = {"heading": heading, "org_label": "名称", "org": institution["name"], "address": ""}
        elif party == "partner":
            partner = snapshot["partner"]
            block = {
                "heading": PARTNER_KINDS_JA.get(partner.get("kind"), "受入先"),
                "org_label": "名称",
                "org": partner["name"],
                "address": partner.get("address", ""),
            }
        else:
            student = snapshot.get("student") or {}
            block = {"heading": "誓約者（学生）", "org_label": "氏名", "org": student.get("name", ""), "address": ""}
        block["mark"] = marks.get(party, "")
        signature = by_party.get(party)
        block["signed"] = signature is not None
        if signature is not None:
            tz = tz or tenant_zone(signature.tenant)
            block["signed_name"] = signature.signed_name
            block["signed_on"] = _ja_date(timezone.localtime(signature.signed_at, tz))
            block["method_text"] = (
                "ポータル上で記名により署名"
                if signature.method == Signature.Method.PORTAL
                else "書面により署名（写しを保管）"
            )
        blocks.append(block)
    return blocks


def agreement_version_pdf_bytes(version, signatures=None):
    """The PDF of `version` with the signatures recorded so far."""
    snapshot = version.context
    if signatures is None:
        signatures = list(version.signatures.select_related("tenant"))
    from coop.pdf import render_pdf  # WeasyPrint is loaded where PDFs are made, not by every web process

    template = f"placements/pdf/{snapshot.get('kind', version.agreement.kind)}.html"
    return render_pdf(template, {"doc": snapshot, "signatures": _party_blocks(snapshot, signatures)})


def agreement_version_render(*, version):
    """Renders and stores the version's PDF: pdf_state ready, or failed with the error text.

    If a signature arrives while rendering, this result is dropped: that signature queued a
    newer render, which will store the PDF that shows it.
    """
    version = AgreementVersion.objects.select_related("agreement", "tenant").get(
        pk=version.pk, tenant_id=version.tenant_id
    )
    signatures = list(Signature.objects.filter(version=version).select_related("tenant"))
    try:
        data = agreement_version_pdf_bytes(version, signatures)
    except Exception as error:
        logger.exception("agreement version %s: PDF rendering failed", version.pk)
        AgreementVersion.objects.filter(pk=version.pk, tenant_id=version.tenant_id).update(
            pdf_state=AgreementVersion.PdfState.FAILED, pdf_error=f"{type(error).__name__}: {error}"[:2000]
        )
        version.refresh_from_db()
        return version
    with transaction.atomic():
        locked = AgreementVersion.objects.select_for_update().get(pk=version.pk, tenant_id=version.tenant_id)
        now_signed = set(Signature.objects.filter(version=locked).values_list("pk", flat=True))
        if now_signed != {s.pk for s in signatures}:
            return locked
        old_name = locked.pdf.name
        agreement = version.agreement
        locked.pdf.save(f"{agreement.kind}-{agreement.pk}-v{locked.number}.pdf", ContentFile(data), save=False)
        locked.pdf_state = AgreementVersion.PdfState.READY
        locked.pdf_error = ""
        locked.save(update_fields=["pdf", "pdf_state", "pdf_error"])
        if old_name and old_name != locked.pdf.name:
            storage = locked.pdf.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    return locked

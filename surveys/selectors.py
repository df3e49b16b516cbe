"""Reads of the surveys app: forms and their versions, rounds, the responses a person owes,
and the results of a round (counts per rating and choice, free text, response rates), each
in a fixed number of queries whatever the number of responses."""

import datetime
from collections import defaultdict

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from coop import links
from coop.access import MANAGERS
from coop.clock import tenant_today
from coop.models import Role
from coop.registry import GroupFigure
from placements.models import Placement, PlacementSupervisor

from .models import RATING_SCALE, Audience, QuestionType, SurveyForm, SurveyLink, SurveyResponse, SurveyRound

# Placements a round asks about: begun and not cut short.
SURVEYED_STATES = (Placement.State.ACTIVE, Placement.State.SUSPENDED, Placement.State.COMPLETED)
AUDIENCE_ORDER = [Audience.STUDENT, Audience.PARTNER, Audience.STAFF]
AUDIENCE_LABELS = dict(Audience.choices)


# --- Forms --------------------------------------------------------------------------------------


def forms_current(tenant):
    return (
        SurveyForm.objects.filter(tenant=tenant, is_current=True)
        .annotate(round_count=Count("rounds", distinct=True))
        .order_by("name")
    )


def form_versions(form):
    return SurveyForm.objects.filter(tenant_id=form.tenant_id, code=form.code).order_by("-version")


def form_is_used(form):
    """A form version is frozen once a response answered it (a change then makes a new version)."""
    return SurveyResponse.objects.filter(form=form, submitted_at__isnull=False).exists()


# --- Rounds -------------------------------------------------------------------------------------


def round_placements(survey_round):
    placements = Placement.objects.filter(
        tenant_id=survey_round.tenant_id, theme__program_id=survey_round.program_id, state__in=SURVEYED_STATES
    )
    if survey_round.term_id:
        placements = placements.filter(theme__term_id=survey_round.term_id)
    return placements


def round_supervisors(survey_round):
    """(placement id, contact) of every partner supervisor of the round's placements."""
    return PlacementSupervisor.objects.filter(placement__in=round_placements(survey_round).values("pk")).select_related(
        "contact"
    )


def _counted(queryset):
    return queryset.annotate(
        owed_count=Count("responses", distinct=True),
        answered_count=Count("responses", filter=Q(responses__submitted_at__isnull=False), distinct=True),
    )


def round_list_rows(queryset):
    """A page of the rounds list with its form, scope and response counts."""
    return _counted(queryset.select_related("form", "program", "term__program"))


def rounds_open(tenant, today=None):
    today = today or tenant_today(tenant)
    return SurveyRound.objects.filter(tenant=tenant, opens_on__lte=today, closes_on__gte=today)


def rounds_open_counted(tenant):
    return _counted(rounds_open(tenant).select_related("form", "program", "term__program")).order_by("closes_on", "pk")


def round_rows(survey_round):
    """The round's responses by placement: [{placement, responses: [response with its links]}]."""
    responses = list(
        SurveyResponse.objects.filter(round=survey_round)
        .select_related("placement__student", "placement__partner", "contact", "answered_by")
        .order_by("placement__student__full_name", "placement_id", "audience", "contact_id")
    )
    found_links = defaultdict(list)
    for link in SurveyLink.objects.filter(response__round=survey_round).order_by("-created_at"):
        found_links[link.response_id].append(link)
    rows, by_placement = [], {}
    for response in responses:
        response.sent_links = found_links[response.pk][:3]
        row = by_placement.get(response.placement_id)
        if row is None:
            row = by_placement[response.placement_id] = {"placement": response.placement, "responses": []}
            rows.append(row)
        row["responses"].append(response)
    for row in rows:
        row["responses"].sort(key=lambda r: AUDIENCE_ORDER.index(r.audience))
    return rows


# --- What a person owes -------------------------------------------------------------------------


def owed_filter(user, role):
    """Which responses this person answers: a student their own, a partner person theirs as a
    supervisor, the office the office's. None for the other roles."""
    if role in MANAGERS:
        return Q(audience=Audience.STAFF)
    if role == Role.STUDENT:
        return Q(audience=Audience.STUDENT, placement__student=user)
    if role == Role.PARTNER:
        return Q(audience=Audience.PARTNER, contact__user=user)
    return None


def responses_for_user(user, role, tenant, today=None):
    """The responses of rounds open today that this person answers, answered or not."""
    q = owed_filter(user, role)
    if q is None:
        return SurveyResponse.objects.none()
    today = today or tenant_today(tenant)
    return (
        SurveyResponse.objects.filter(q, tenant=tenant, round__opens_on__lte=today, round__closes_on__gte=today)
        .select_related("round__form", "round__program", "round__term", "placement__student", "placement__partner")
        .order_by("round__closes_on", "round_id", "placement__student__full_name", "pk")
    )


def response_detail(pk):
    return (
        SurveyResponse.objects.select_related(
            "round__form",
            "round__program",
            "round__term",
            "placement__student",
            "placement__partner",
            "contact",
            "form",
        )
        .filter(pk=pk)
        .first()
    )


def link_for_staff(pk):
    return SurveyLink.objects.select_related("response__round").filter(pk=pk).first()


def survey_link_for_token(tenant, token):
    """The link of this tenant with this token, or None (unknown, tampered, another tenant's)."""
    return links.link_for_token(
        SurveyLink.objects.filter(tenant=tenant).select_related(
            "response__round__form",
            "response__placement__student",
            "response__placement__partner",
            "response__placement__theme",
            "contact",
        ),
        token,
    )


# --- Results ------------------------------------------------------------------------------------


def _mean(values):
    return round(sum(values) / len(values), 2) if values else None


def _aggregate(form, audiences, rows, *, with_texts):
    """Counts per question and audience from (audience, submitted, answers) rows."""
    owed = dict.fromkeys(audiences, 0)
    answered = dict.fromkeys(audiences, 0)
    given = defaultdict(list)  # audience -> [answers]
    for audience, submitted, answers in rows:
        if audience not in owed:
            continue
        owed[audience] += 1
        if submitted:
            answered[audience] += 1
            given[audience].append(answers or {})
    rates = [
        {
            "audience": audience,
            "label": AUDIENCE_LABELS[audience],
            "owed": owed[audience],
            "answered": answered[audience],
            "rate": round(100 * answered[audience] / owed[audience], 1) if owed[audience] else None,
        }
        for audience in audiences
    ]
    total_owed, total_answered = sum(owed.values()), sum(answered.values())
    questions = []
    for question in form.questions:
        key, kind = question["key"], question["type"]
        item = {
            "key": key,
            "text": question["text"],
            "type": kind,
            "required": question.get("required", False),
            "by_audience": [],
        }
        for audience in audiences:
            values = [answers[key] for answers in given[audience] if answers.get(key) not in (None, "", [])]
            cell = {"audience": audience, "label": AUDIENCE_LABELS[audience], "n": len(values)}
            if kind == QuestionType.RATING:
                cell["counts"] = [sum(1 for v in values if v == level) for level in RATING_SCALE]
                cell["mean"] = _mean([v for v in values if isinstance(v, int)])
            elif kind in (QuestionType.SINGLE, QuestionType.MULTIPLE):
                chosen = [c for v in values for c in (v if isinstance(v, list) else [v])]
                cell["counts"] = [chosen.count(choice) for choice in question.get("choices", [])]
            elif with_texts:
                cell["texts"] = [str(v) for v in values]
            item["by_audience"].append(cell)
        if kind in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            item["choices"] = list(question.get("choices", []))
        questions.append(item)
    return {
        "rates": rates,
        "owed": total_owed,
        "answered": total_answered,
        "rate": round(100 * total_answered / total_owed, 1) if total_owed else None,
        "questions": questions,
    }


def round_results(survey_round, *, with_texts=True):
    """The results of one round on its form version: response rates per audience, and per
    question and audience the counts per rating level or choice, the mean rating, and (for the
    tenant's own pages) the free-text answers. One query."""
    rows = SurveyResponse.objects.filter(round=survey_round).values_list("audience", "submitted_at", "answers")
    return _aggregate(survey_round.form, survey_round.audiences, rows, with_texts=with_texts)


def rounds_for_program(*, tenant, program, term=None, academic_year=None):
    rounds = SurveyRound.objects.filter(tenant=tenant, program=program).select_related("form", "program", "term")
    if term is not None:
        return rounds.filter(term=term).order_by("opens_on", "pk")
    if academic_year is not None:
        # A round of the whole program counts in the academic year (April to March) it opened in.
        april, march = datetime.date(academic_year, 4, 1), datetime.date(academic_year + 1, 3, 31)
        in_year = Q(term__academic_year=academic_year) | Q(term__isnull=True, opens_on__range=(april, march))
        return rounds.filter(in_year).order_by("opens_on", "pk")
    return rounds.order_by("opens_on", "pk")


def survey_results_for_program(*, tenant, program, term=None):
    """Plain aggregates of the surveys of a program (and term), for other apps (a consortium's
    figures): per round, its form, response counts and per question the counts and means.
    No free text and no person: nothing here names or quotes anybody. Two queries whatever
    the number of rounds and responses."""
    rounds = list(rounds_for_program(tenant=tenant, program=program, term=term))
    rows = defaultdict(list)
    for round_id, audience, submitted, answers in SurveyResponse.objects.filter(
        tenant=tenant, round__in=[r.pk for r in rounds]
    ).values_list("round_id", "audience", "submitted_at", "answers"):
        rows[round_id].append((audience, submitted, answers))
    found = []
    for survey_round in rounds:
        result = _aggregate(survey_round.form, survey_round.audiences, rows[survey_round.pk], with_texts=False)
        found.append(
            {
                "round_id": survey_round.pk,
                "form_code": survey_round.form.code,
                "form_version": survey_round.form.version,
                "form_name": survey_round.form.name,
                "opens_on": survey_round.opens_on,
                "closes_on": survey_round.closes_on,
                **result,
            }
        )
    return found


def survey_figures_for_consortium(*, program_ids, starts_on, ends_on):
    """The students' survey answers over the placements of a consortium's adopted programs
    (`program_ids`) that start in the period, per member tenant: how many answered, and the
    share of those asked (coop.registry.register_consortium_figures). One GROUP BY query of
    counts, run inside the consortium's aggregate bypass; no answer, text or person leaves."""
    rows = (
        SurveyResponse.objects.filter(
            audience=Audience.STUDENT,
            placement__theme__program_id__in=program_ids,
            placement__starts_on__gte=starts_on,
            placement__starts_on__lte=ends_on,
        )
        .order_by()
        .values("tenant_id")
        .annotate(asked=Count("pk"), answered=Count("pk", filter=Q(submitted_at__isnull=False)))
    )
    answered, rate = {}, {}
    for row in rows:
        answered[row["tenant_id"]] = (row["answered"], row["answered"])
        rate[row["tenant_id"]] = (round(100 * row["answered"] / row["asked"], 1), row["asked"])
    return [
        GroupFigure("survey_answered", _("Survey answers (students)"), "count", answered),
        GroupFigure("survey_rate", _("Survey response rate (students, %)"), "average", rate),
    ]

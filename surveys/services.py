"""Writes of the surveys app: survey form versions, rounds and the responses they owe,
answers (once), and the emailed survey links for partner people."""

from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coop import links
from coop.clock import tenant_today, tenant_zone
from coop.tenant_tasks import queue_after_commit
from coop.workflow import record

from .models import RATING_SCALE, Audience, QuestionType, SurveyForm, SurveyLink, SurveyResponse, SurveyRound
from .selectors import form_is_used, round_placements, round_supervisors
from .tasks import send_survey_link

MAX_QUESTIONS = 50
MAX_CHOICES = 20
MAX_TEXT = 4000


# --- Forms and their versions -------------------------------------------------------------------


def form_questions_clean(questions):
    """Checks and normalises the questions: text, a known type, choices for choice questions
    (at least two, all different), keys kept or made. Returns the clean list."""
    if not questions:
        raise ValidationError(_("A survey needs at least one question."))
    if len(questions) > MAX_QUESTIONS:
        raise ValidationError(_("A survey can have at most %(n)s questions.") % {"n": MAX_QUESTIONS})
    clean, keys = [], set()
    for question in questions:
        text = str(question.get("text") or "").strip()
        if not text:
            raise ValidationError(_("Each question needs its text."))
        kind = question.get("type")
        if kind not in QuestionType.values:
            raise ValidationError(_("“%(text)s”: choose the kind of question.") % {"text": text[:50]})
        choices = []
        if kind in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            choices = [str(c).strip()[:200] for c in question.get("choices") or [] if str(c).strip()]
            if len(choices) < 2 or len(set(choices)) != len(choices):
                raise ValidationError(
                    _("“%(text)s”: give at least two different choices, one per line.") % {"text": text[:50]}
                )
            if len(choices) > MAX_CHOICES:
                raise ValidationError(_("“%(text)s”: at most %(n)s choices.") % {"text": text[:50], "n": MAX_CHOICES})
        key = str(question.get("key") or "")
        if not key or key in keys:
            n = len(keys) + 1
            while f"q{n}" in keys:
                n += 1
            key = f"q{n}"
        keys.add(key)
        clean.append(
            {
                "key": key,
                "text": text[:500],
                "type": kind,
                "required": bool(question.get("required")),
                "choices": choices,
            }
        )
    return clean


def _unique_code(tenant, base):
    base = slugify(base)[:50] or "survey"
    code, n = base, 1
    while SurveyForm.objects.filter(tenant=tenant, code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


@transaction.atomic
def form_create(*, tenant, by, name, questions, description="", code=""):
    questions = form_questions_clean(questions)
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the survey a name."))
    form = SurveyForm.objects.create(
        tenant=tenant,
        code=_unique_code(tenant, code or name),
        version=1,
        name=name[:200],
        description=description,
        questions=questions,
        created_by=by,
    )
    record(form, action="surveyform.created", by=by)
    return form


@transaction.atomic
def form_update(*, form, by, name, description, questions):
    """Changes a survey form. A version that a response answered is frozen: the change becomes
    the next version (the current one from now on, for rounds opened later) and the answers
    keep pointing at the version they answered."""
    form = SurveyForm.objects.select_for_update().get(pk=form.pk)
    if not form.is_current:
        raise ValidationError(_("Only the current version of a survey can be changed."))
    questions = form_questions_clean(questions)
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the survey a name."))
    if form_is_used(form):
        latest = SurveyForm.objects.filter(tenant=form.tenant, code=form.code).aggregate(n=Max("version"))["n"]
        SurveyForm.objects.filter(tenant=form.tenant, code=form.code).update(is_current=False)
        new = SurveyForm.objects.create(
            tenant=form.tenant,
            code=form.code,
            version=latest + 1,
            name=name[:200],
            description=description,
            questions=questions,
            created_by=by,
        )
        record(new, action="surveyform.created", by=by, note=f"v{form.version} → v{new.version}")
        return new
    form.name, form.description, form.questions = name[:200], description, questions
    form.save(update_fields=["name", "description", "questions"])
    record(form, action="surveyform.saved", by=by)
    return form


# --- Rounds -------------------------------------------------------------------------------------


@transaction.atomic
def round_create(*, tenant, by, form, program, opens_on, closes_on, audiences, term=None, send_links=False):
    """Opens a survey round for a program (optionally one term): a response is owed by each
    person asked of the program's placements. With `send_links`, partner people get their
    emailed link at once."""
    if not form.is_current:
        raise ValidationError(_("Use the current version of the survey."))
    if term is not None and term.program_id != program.pk:
        raise ValidationError(_("The term must belong to the program."))
    if closes_on < opens_on:
        raise ValidationError(_("The survey cannot close before it opens."))
    audiences = set(audiences)
    if not audiences or not audiences <= set(Audience.values):
        raise ValidationError(_("Ask at least one group of people."))
    survey_round = SurveyRound.objects.create(
        tenant=tenant,
        form=form,
        program=program,
        term=term,
        opens_on=opens_on,
        closes_on=closes_on,
        ask_students=Audience.STUDENT in audiences,
        ask_partners=Audience.PARTNER in audiences,
        ask_staff=Audience.STAFF in audiences,
        created_by=by,
    )
    record(survey_round, action="surveyround.created", by=by)
    round_sync_respondents(survey_round=survey_round, by=by)
    if send_links and survey_round.ask_partners and survey_round.is_open(tenant_today(tenant)):
        survey_links_send_all(survey_round=survey_round, by=by)
    return survey_round


@transaction.atomic
def round_sync_respondents(*, survey_round, by):
    """Makes the responses owed that are missing: placements that began or supervisors added
    since the round opened. Returns how many were added. Nothing owed is ever removed."""
    existing = set(
        SurveyResponse.objects.filter(round=survey_round).values_list("placement_id", "audience", "contact_id")
    )
    wanted = []
    placements = list(round_placements(survey_round).values_list("pk", flat=True))
    for placement_id in placements:
        if survey_round.ask_students:
            wanted.append((placement_id, Audience.STUDENT, None))
        if survey_round.ask_staff:
            wanted.append((placement_id, Audience.STAFF, None))
    if survey_round.ask_partners:
        for supervisor in round_supervisors(survey_round).order_by("placement_id", "contact_id"):
            wanted.append((supervisor.placement_id, Audience.PARTNER, supervisor.contact_id))
    new = [row for row in wanted if row not in existing]
    SurveyResponse.objects.bulk_create(
        SurveyResponse(
            tenant_id=survey_round.tenant_id,
            round=survey_round,
            placement_id=placement_id,
            audience=audience,
            contact_id=contact_id,
        )
        for placement_id, audience, contact_id in sorted(new, key=lambda r: (r[0], r[1], r[2] or 0))
    )
    if new and by is not None:
        record(survey_round, action="surveyround.synced", by=by, values={"count": len(new)})
    return len(new)


def round_set_dates(*, survey_round, opens_on, closes_on, by):
    """Moves a round's dates (to extend it, or to close it early)."""
    if closes_on < opens_on:
        raise ValidationError(_("The survey cannot close before it opens."))
    note = f"{survey_round.opens_on}–{survey_round.closes_on} → {opens_on}–{closes_on}"
    survey_round.opens_on, survey_round.closes_on = opens_on, closes_on
    survey_round.save(update_fields=["opens_on", "closes_on"])
    record(survey_round, action="surveyround.updated", by=by, note=note)
    return survey_round


# --- Answers ------------------------------------------------------------------------------------


def _as_list(value):
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def answers_clean(form, raw):
    """{question key: answer} from what was submitted; every required question answered, every
    answer one the question offers. The refusal names the questions left unanswered."""
    answers, missing = {}, []
    for question in form.questions:
        key, kind = question["key"], question["type"]
        value = raw.get(key)
        if kind == QuestionType.RATING:
            text = str(value if value is not None else "").strip()
            if text:
                try:
                    number = int(text)
                except ValueError:
                    number = None
                if number not in RATING_SCALE:
                    raise ValidationError(_("“%(text)s”: choose 1 to 5.") % {"text": question["text"][:50]})
                answers[key] = number
        elif kind == QuestionType.SINGLE:
            text = str(value if value is not None else "").strip()
            if text:
                if text not in question["choices"]:
                    raise ValidationError(_("“%(text)s”: choose one of the choices.") % {"text": question["text"][:50]})
                answers[key] = text
        elif kind == QuestionType.MULTIPLE:
            chosen = [c.strip() for c in _as_list(value) if c.strip()]
            if any(c not in question["choices"] for c in chosen):
                raise ValidationError(_("“%(text)s”: choose among the choices.") % {"text": question["text"][:50]})
            if chosen:
                answers[key] = [c for c in question["choices"] if c in chosen]
        else:
            text = str(value if value is not None else "").strip()
            if text:
                answers[key] = text[:MAX_TEXT]
        if question.get("required") and key not in answers:
            missing.append(question["text"])
    if missing:
        raise ValidationError(_("Answer the required questions: %(names)s") % {"names": "、".join(missing)})
    return answers


@transaction.atomic
def response_submit(*, response, raw, by, name="", link=None, today=None):
    """Answers an owed response, once, while its round is open, on the round's form version."""
    response = SurveyResponse.objects.select_for_update().select_related("round__form").get(pk=response.pk)
    survey_round = response.round
    if response.submitted_at is not None:
        raise ValidationError(_("This survey is answered already."))
    if not survey_round.is_open(today):
        raise ValidationError(_("This survey is not open."))
    form = survey_round.form
    response.answers = answers_clean(form, raw)
    response.form = form
    response.answered_by = by if by is not None and by.is_authenticated else None
    response.respondent_name = (name or (str(by) if response.answered_by else ""))[:150]
    response.via_link = link
    response.submitted_at = timezone.now()
    response.save(update_fields=["answers", "form", "answered_by", "respondent_name", "via_link", "submitted_at"])
    record(survey_round, action="surveyround.answered", by=by, values={"survey_audience": response.audience})
    return response


# --- Emailed survey links -----------------------------------------------------------------------


@transaction.atomic
def survey_link_send(*, response, by):
    """Creates a link for the partner person of an owed response and emails it after commit;
    an earlier waiting link for it is revoked. Returns (link, token)."""
    survey_round = response.round
    if response.audience != Audience.PARTNER or response.contact_id is None:
        raise ValidationError(_("Links go only to partner people."))
    if response.submitted_at is not None:
        raise ValidationError(_("This survey is answered already."))
    contact = response.contact
    if not contact.email:
        raise ValidationError(_("This person has no email address."))
    if not survey_round.is_open(tenant_today()):
        raise ValidationError(_("This survey is not open."))
    closes = datetime.combine(survey_round.closes_on + timedelta(days=1), time.min, tzinfo=tenant_zone())
    link, token = links.link_issue(
        SurveyLink,
        replaces={"response": response},
        tenant_id=response.tenant_id,
        response=response,
        contact=contact,
        email=contact.email,
        created_by=by,
        expires_at=min(timezone.now() + timedelta(days=SurveyLink.VALID_DAYS), closes),
    )
    record(survey_round, action="surveyround.link_sent", by=by, note=contact.email)
    tenant_id, link_id = response.tenant_id, link.pk
    queue_after_commit(send_survey_link, tenant_id=tenant_id, link_id=link_id, token=token)
    return link, token


def survey_links_send_all(*, survey_round, by):
    """Emails a link to every partner person (with an email address) who owes an answer and
    has no waiting link. Returns how many were sent."""
    if not survey_round.ask_partners:
        raise ValidationError(_("This survey does not ask the partner people."))
    waiting = set(
        SurveyLink.objects.filter(SurveyLink.status_q(), response__round=survey_round).values_list(
            "response_id", flat=True
        )
    )
    owed = (
        SurveyResponse.objects.filter(round=survey_round, audience=Audience.PARTNER, submitted_at__isnull=True)
        .exclude(contact__email="")
        .select_related("round", "contact")
        .order_by("pk")
    )
    sent = 0
    for response in owed:
        if response.pk in waiting:
            continue
        survey_link_send(response=response, by=by)
        sent += 1
    return sent


@transaction.atomic
def survey_link_revoke(*, link, by):
    links.link_revoke(link)
    record(link.response.round, action="surveyround.link_revoked", by=by, note=link.email)
    return link


def survey_link_open(*, link):
    links.link_opened(link)


@transaction.atomic
def survey_link_submit(*, link, raw):
    """The partner person's answer through the link; answering uses the link up, once."""
    links.link_check_pending(link)
    response = response_submit(response=link.response, raw=raw, by=None, name=link.contact.full_name, link=link)
    links.link_use(link)
    return response

"""Evaluations on the tenant's evaluation form, and the final result agreed by the supervising
faculty and the practitioner faculty."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from coop.notifications import notify
from coop.workflow import record, transition

from ..access import check_rater, result_side
from ..models import Evaluation, EvaluationForm, PlacementResult
from ..selectors import (
    EVALUATION_STATES,
    evaluation_form_for_tenant,
    partner_supervisor_users,
    practitioner_user,
)


@transaction.atomic
def evaluation_form_current(tenant, by=None):
    """The tenant's current form, for a write; the default one is saved on first use.
    Pages that only show the form use selectors.evaluation_form_for_tenant (a GET never writes)."""
    found = evaluation_form_for_tenant(tenant)
    if found.pk is None:
        found.created_by = by
        found.save()
    return found


def _parse_lines(text, prefix):
    """One item a line: "label" or "label | description"."""
    items = []
    for line in text.splitlines():
        if not line.strip():
            continue
        label, _sep, description = line.partition("|")
        if not label.strip():
            # An item with only a description would be shown and scored without a name.
            raise ValidationError(_("Write a label before the | on each line."))
        if len(label.strip()) > 200:
            raise ValidationError(_("A label is at most 200 characters."))
        items.append({"key": f"{prefix}{len(items) + 1}", "label": label.strip(), "description": description.strip()})
    return items


def _as_shown(form, translate=True):
    shown = gettext if translate else str
    return (
        shown(form.name),
        [(shown(c["label"]), shown(c["description"]) if c.get("description") else "") for c in form.criteria],
        [shown(q["label"]) for q in form.questions],
        form.scale_max,
    )


@transaction.atomic
def evaluation_form_save(*, tenant, by, name, criteria_text, questions_text, scale_max):
    """Changes the tenant's form. A form already used by an evaluation stays as it is and the
    change becomes its next version."""
    criteria = _parse_lines(criteria_text, "c")
    if not criteria:
        raise ValidationError(_("Give at least one criterion."))
    if not 2 <= scale_max <= 10:
        raise ValidationError(_("The highest score is between 2 and 10."))
    current = evaluation_form_current(tenant, by)
    current = EvaluationForm.objects.select_for_update().get(pk=current.pk)
    values = {
        "name": name.strip() or current.name,
        "criteria": criteria,
        "questions": _parse_lines(questions_text, "q"),
        "scale_min": 1,
        "scale_max": scale_max,
    }
    if _as_shown(current) == _as_shown(EvaluationForm(**values), translate=False):
        return current  # saved as shown: nothing changed, no new version
    if current.is_used:
        current.is_current = False
        current.save(update_fields=["is_current"])
        latest = EvaluationForm.objects.filter(tenant=tenant).order_by("-version").first()
        form = EvaluationForm.objects.create(tenant=tenant, version=latest.version + 1, created_by=by, **values)
        record(form, action="evaluation_form.created", by=by, note=f"v{form.version}")
    else:
        form = current
        for field, value in values.items():
            setattr(form, field, value)
        form.save()
        record(form, action="evaluation_form.updated", by=by, note=f"v{form.version}")
    return form


def _clean_scores(form, scores, answers, *, complete):
    scale = set(form.scale)
    clean_scores, clean_answers = {}, {}
    for criterion in form.criteria:
        value = scores.get(criterion["key"])
        if value in (None, ""):
            continue
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = None
        if value not in scale:
            raise ValidationError(
                _("Scores are from %(min)s to %(max)s.") % {"min": form.scale_min, "max": form.scale_max}
            )
        clean_scores[criterion["key"]] = value
    for question in form.questions:
        clean_answers[question["key"]] = (answers.get(question["key"]) or "").strip()
    if complete and len(clean_scores) < len(form.criteria):
        raise ValidationError(_("Give a score for every criterion before submitting."))
    return clean_scores, clean_answers


@transaction.atomic
def evaluation_save(*, placement, kind, by=None, submit=False, scores, answers, comments, link=None, name=""):
    """Writes (and with `submit`, submits) the partner's or the faculty's evaluation.

    `by` is the signed-in rater; through an emailed link `by` is None and `link` and `name`
    (the partner contact) say who wrote it. A submitted evaluation is no longer changed."""
    if placement.state not in EVALUATION_STATES:
        raise ValidationError(_("Evaluations are written for running or finished placements."))
    if link is None:
        check_rater(placement, kind, by)
    evaluation = Evaluation.objects.select_for_update().filter(placement=placement, kind=kind).first()
    if evaluation is not None and evaluation.state == Evaluation.State.SUBMITTED:
        raise ValidationError(_("This evaluation was submitted already."))
    if evaluation is None:
        form = evaluation_form_current(placement.tenant, by)
        evaluation = Evaluation(tenant_id=placement.tenant_id, placement=placement, kind=kind, form=form)
    form = evaluation.form
    evaluation.scores, evaluation.answers = _clean_scores(form, scores, answers, complete=submit)
    evaluation.comments = comments.strip()
    evaluation.rater = by
    evaluation.rater_name = (name or (str(by) if by else ""))[:150]  # the column's length
    evaluation.via_link = link
    created = evaluation.pk is None
    evaluation.save()
    if not form.is_used:
        EvaluationForm.objects.filter(pk=form.pk).update(is_used=True)
    if created:
        record(evaluation, action="evaluation.created", by=by, to_state=evaluation.state, note=name)
    else:
        record(evaluation, action="evaluation.saved", by=by, note=name)
    if submit:
        evaluation.submitted_at = timezone.now()
        transition(
            evaluation,
            to=Evaluation.State.SUBMITTED,
            by=by,
            allowed=Evaluation.TRANSITIONS,
            action="evaluation.submitted",
            note=name,
            extra_fields=("submitted_at", "updated_at"),
        )
        notify(obj=evaluation, event="reports/evaluation_submitted", users=[placement.faculty_supervisor])
    return evaluation


# --- The final result ---------------------------------------------------------------------


@transaction.atomic
def result_save(*, placement, by, grade, passed, comments):
    """The supervising faculty or the practitioner faculty proposes the result; their own
    agreement is recorded and the other side's is cleared (they agree to what they saw)."""
    side = result_side(by, placement)
    if side is None:
        raise ValidationError(_("Only the faculty supervisor and the practitioner faculty decide the result."))
    if grade not in PlacementResult.Grade.values:
        raise ValidationError(_("Choose a grade."))
    result = PlacementResult.objects.select_for_update().filter(placement=placement).first()
    if result is not None and result.is_final:
        raise ValidationError(_("The result is final already."))
    result = result or PlacementResult(tenant_id=placement.tenant_id, placement=placement)
    result.grade, result.passed, result.comments, result.updated_by = grade, passed, comments.strip(), by
    now = timezone.now()
    if side == "faculty":
        result.agreed_by_faculty, result.faculty_user = now, by
        result.agreed_by_practitioner, result.practitioner_user = None, None
    else:
        result.agreed_by_practitioner, result.practitioner_user = now, by
        result.agreed_by_faculty, result.faculty_user = None, None
    result.save()
    values = {"grade": grade, "verdict": "passed" if passed else "not_passed"}
    record(result, action="result.proposed", by=by, values=values, note=result.comments)
    other = practitioner_user(placement) if side == "faculty" else placement.faculty_supervisor
    notify(obj=result, event="reports/result_proposed", users=[other])
    return result


@transaction.atomic
def result_agree(*, result, by):
    result = PlacementResult.objects.select_for_update().select_related("placement").get(pk=result.pk)
    placement = result.placement
    side = result_side(by, placement)
    if side is None:
        raise ValidationError(_("Only the faculty supervisor and the practitioner faculty decide the result."))
    if result.is_final:
        raise ValidationError(_("The result is final already."))
    now = timezone.now()
    if side == "faculty":
        result.agreed_by_faculty, result.faculty_user = now, by
    else:
        result.agreed_by_practitioner, result.practitioner_user = now, by
    result.save()
    record(result, action="result.agreed", by=by)
    if result.is_final:
        record(result, action="result.final", by=by, note=result.grade)
        notify(
            obj=result,
            event="reports/result_final",
            users=[placement.student, placement.faculty_supervisor, *partner_supervisor_users(placement)],
        )
    return result


@transaction.atomic
def evaluation_reopen(*, evaluation, by, reason):
    """The office sends a submitted evaluation back to draft (e.g. submitted by mistake). The
    final result, once agreed, is not reopened by this."""
    evaluation = Evaluation.objects.select_for_update().select_related("placement").get(pk=evaluation.pk)
    if not reason.strip():
        raise ValidationError(_("Give a reason."))
    transition(
        evaluation,
        to=Evaluation.State.DRAFT,
        by=by,
        allowed=Evaluation.TRANSITIONS,
        action="evaluation.returned",
        note=reason,
    )
    return evaluation

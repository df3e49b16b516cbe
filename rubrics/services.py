"""Writes of the rubrics app: rubric versions, assessment windows, assessments, rater links."""

import copy
import re
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

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
from placements.models import PlacementSupervisor

from .builtins import TEMPLATES
from .models import Assessment, AssessmentScore, AssessmentWindow, Phase, Rater, RaterLink, Rubric
from .selectors import rubric_is_used, window_placements
from .tasks import send_rater_link

KEY = re.compile(r"^[a-z0-9_-]{1,40}$")


# --- Rubrics and their versions -----------------------------------------------------------------


def rubric_structure_clean(*, kind, levels, criteria):
    """Checks and normalises levels and criteria; returns (levels, criteria)."""
    if kind not in Rubric.Kind.values:
        raise ValidationError(_("Unknown kind of rubric."))
    clean_levels = []
    for level in levels:
        try:
            value = int(level["value"])
        except (KeyError, TypeError, ValueError):
            raise ValidationError(_("Each level needs a whole number.")) from None
        clean_levels.append({"value": value, "label": str(level.get("label") or value).strip()[:100]})
    values = [level["value"] for level in clean_levels]
    if len(values) < 2 or len(set(values)) != len(values) or values != sorted(values):
        raise ValidationError(_("A rubric needs at least two levels with different, ascending values."))
    if not criteria:
        raise ValidationError(_("A rubric needs at least one criterion."))
    clean_criteria, keys = [], set()
    for criterion in criteria:
        key = str(criterion.get("key") or "").strip()
        name = str(criterion.get("name") or "").strip()
        if not name:
            raise ValidationError(_("Each criterion needs a name."))
        if not KEY.match(key) or key in keys:
            raise ValidationError(_("Each criterion needs its own key (letters, digits, - or _)."))
        keys.add(key)
        try:
            weight = Decimal(str(criterion.get("weight", 1)))
        except ArithmeticError:
            raise ValidationError(_("A weight must be a number.")) from None
        if weight <= 0 or weight > 100:
            raise ValidationError(_("A weight must be above 0 and at most 100."))
        descriptors = {
            str(value): str((criterion.get("descriptors") or {}).get(str(value), "")).strip() for value in values
        }
        clean_criteria.append(
            {
                "key": key,
                "name": name[:200],
                "weight": float(weight) if weight != weight.to_integral() else int(weight),
                "group": str(criterion.get("group") or "").strip()[:100],
                "reverse": bool(criterion.get("reverse")),
                "descriptors": descriptors,
            }
        )
    return clean_levels, clean_criteria


def _unique_code(tenant, base):
    base = slugify(base)[:50] or "rubric"
    code, n = base, 1
    while Rubric.objects.filter(tenant=tenant, code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


@transaction.atomic
def rubric_create(*, tenant, by, name, kind, levels, criteria, description="", code="", template=""):
    levels, criteria = rubric_structure_clean(kind=kind, levels=levels, criteria=criteria)
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the rubric a name."))
    rubric = Rubric.objects.create(
        tenant=tenant,
        code=_unique_code(tenant, code or name),
        version=1,
        name=name[:200],
        kind=kind,
        description=description,
        levels=levels,
        criteria=criteria,
        template=template,
        created_by=by,
    )
    record(rubric, action="rubric.created", by=by)
    return rubric


def rubric_create_from_template(*, tenant, template, by, name=""):
    found = TEMPLATES.get(template)
    if found is None:
        raise ValidationError(_("Unknown template."))
    return rubric_create(
        tenant=tenant,
        by=by,
        name=name or found["name"],
        kind=found["kind"],
        levels=copy.deepcopy(found["levels"]),
        criteria=copy.deepcopy(found["criteria"]),
        description=found["description"],
        code=found["code"],
        template=template,
    )


@transaction.atomic
def rubric_update(*, rubric, by, name, description, levels, criteria):
    """Changes a rubric. A version that an assessment uses is frozen: the change becomes the
    next version (the current one from now on) and the old one stays as it was."""
    rubric = Rubric.objects.select_for_update().get(pk=rubric.pk)
    if not rubric.is_current:
        raise ValidationError(_("Only the current version of a rubric can be changed."))
    levels, criteria = rubric_structure_clean(kind=rubric.kind, levels=levels, criteria=criteria)
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the rubric a name."))
    if rubric_is_used(rubric):
        latest = Rubric.objects.filter(tenant=rubric.tenant, code=rubric.code).aggregate(n=Max("version"))["n"]
        Rubric.objects.filter(tenant=rubric.tenant, code=rubric.code).update(is_current=False)
        new = Rubric.objects.create(
            tenant=rubric.tenant,
            code=rubric.code,
            version=latest + 1,
            name=name[:200],
            kind=rubric.kind,
            description=description,
            levels=levels,
            criteria=criteria,
            template=rubric.template,
            created_by=by,
        )
        record(new, action="rubric.created", by=by, note=f"v{rubric.version} → v{new.version}")
        return new
    rubric.name, rubric.description, rubric.levels, rubric.criteria = name[:200], description, levels, criteria
    rubric.save(update_fields=["name", "description", "levels", "criteria"])
    record(rubric, action="rubric.saved", by=by)
    return rubric


# --- Scoring ------------------------------------------------------------------------------------


def criterion_points(rubric, criterion, value):
    """The points a chosen level counts for: the value, or min + max - value when reversed."""
    return rubric.scale_min + rubric.scale_max - value if criterion.get("reverse") else value


def weighted_score(rubric, values):
    """The weighted mean of the points over the criteria, to 3 decimals (None if empty)."""
    total = weights = Decimal(0)
    for criterion in rubric.criteria:
        value = values.get(criterion["key"])
        if value is None:
            continue
        weight = Decimal(str(criterion["weight"]))
        total += weight * criterion_points(rubric, criterion, value)
        weights += weight
    if not weights:
        return None
    return (total / weights).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def values_clean(rubric, raw):
    """{criterion key: level value} from submitted strings; every criterion must be answered."""
    allowed = set(rubric.level_values)
    values, missing = {}, []
    for criterion in rubric.criteria:
        text = str(raw.get(criterion["key"], "") or "").strip()
        try:
            value = int(text)
        except ValueError:
            missing.append(criterion["name"])
            continue
        if value not in allowed:
            raise ValidationError(_("“%(value)s” is not a level of this rubric.") % {"value": text})
        values[criterion["key"]] = value
    if missing:
        raise ValidationError(_("Choose a level for: %(names)s") % {"names": "、".join(missing)})
    return values


# --- Windows ------------------------------------------------------------------------------------


@transaction.atomic
def window_create(
    *,
    tenant,
    by,
    rubric,
    phase,
    opens_on,
    closes_on,
    raters,
    program=None,
    term=None,
    placement=None,
):
    """Opens an assessment window for a program (optionally one term) or one placement."""
    if not rubric.is_current:
        raise ValidationError(_("Use the current version of the rubric."))
    if phase not in Phase.values:
        raise ValidationError(_("Unknown phase."))
    if (program is None) == (placement is None):
        raise ValidationError(_("Choose either a program or one placement."))
    if term is not None and (program is None or term.program_id != program.pk):
        raise ValidationError(_("The term must belong to the program."))
    if closes_on < opens_on:
        raise ValidationError(_("The window cannot close before it opens."))
    raters = set(raters)
    if not raters or not raters <= set(Rater.values):
        raise ValidationError(_("Ask at least one rater."))
    window = AssessmentWindow.objects.create(
        tenant=tenant,
        rubric=rubric,
        phase=phase,
        program=program,
        term=term,
        placement=placement,
        opens_on=opens_on,
        closes_on=closes_on,
        rate_self=Rater.SELF in raters,
        rate_partner=Rater.PARTNER in raters,
        rate_faculty=Rater.FACULTY in raters,
        created_by=by,
    )
    record(window, action="window.created", by=by)
    return window


def window_set_dates(*, window, opens_on, closes_on, by):
    """Moves a window's dates (to extend it, or to close it early)."""
    if closes_on < opens_on:
        raise ValidationError(_("The window cannot close before it opens."))
    note = f"{window.opens_on}–{window.closes_on} → {opens_on}–{closes_on}"
    window.opens_on, window.closes_on = opens_on, closes_on
    window.save(update_fields=["opens_on", "closes_on"])
    record(window, action="window.updated", by=by, note=note)
    return window


# --- Assessments --------------------------------------------------------------------------------


@transaction.atomic
def assessment_submit(*, window, placement, rater, raw, by, comment="", name="", link=None, today=None):
    """Saves one rater's assessment of one placement in the window (again while it is open:
    the newest answers count). Every criterion must be answered with one of the levels."""
    if not window.is_open(today):
        raise ValidationError(_("This assessment window is not open."))
    if rater not in window.raters:
        raise ValidationError(_("This window does not ask this rater."))
    if not window_placements(window).filter(pk=placement.pk).exists():
        raise ValidationError(_("This placement is not assessed in this window."))
    rubric = window.rubric
    values = values_clean(rubric, raw)
    assessment, created = Assessment.objects.select_for_update().get_or_create(
        tenant_id=window.tenant_id,
        window=window,
        placement=placement,
        rater=rater,
        defaults={"rubric": rubric},
    )
    assessment.rubric = rubric
    assessment.rated_by = by if by is not None and by.is_authenticated else None
    assessment.rater_name = (name or (str(by) if assessment.rated_by else ""))[:150]
    assessment.via_link = link
    assessment.comment = comment
    assessment.score = weighted_score(rubric, values)
    assessment.submitted_at = timezone.now()
    assessment.save()
    AssessmentScore.objects.filter(assessment=assessment).delete()
    AssessmentScore.objects.bulk_create(
        [
            AssessmentScore(
                tenant_id=window.tenant_id,
                assessment=assessment,
                criterion=criterion["key"],
                criterion_name=criterion["name"],
                position=position,
                value=values[criterion["key"]],
                points=criterion_points(rubric, criterion, values[criterion["key"]]),
            )
            for position, criterion in enumerate(rubric.criteria)
        ]
    )
    record(assessment, action="assessment.submitted" if created else "assessment.revised", by=by)
    return assessment


# --- Emailed rater links ------------------------------------------------------------------------


@transaction.atomic
def rater_link_send(*, window, placement, contact, by):
    """Creates a link for a partner supervisor of the placement and emails it after commit; an
    earlier waiting link for the same person, window and placement is revoked. Returns (link, token)."""
    if Rater.PARTNER not in window.raters:
        raise ValidationError(_("This window does not ask the partner supervisor."))
    if not window_placements(window).filter(pk=placement.pk).exists():
        raise ValidationError(_("This placement is not assessed in this window."))
    if not PlacementSupervisor.objects.filter(placement=placement, contact=contact).exists():
        raise ValidationError(_("Send links only to a partner supervisor of this placement."))
    if not contact.email:
        raise ValidationError(_("This person has no email address."))
    if window.closes_on < tenant_today():
        raise ValidationError(_("This assessment window is closed."))
    closes = datetime.combine(window.closes_on + timedelta(days=1), time.min, tzinfo=tenant_zone())
    link, token = links.link_issue(
        RaterLink,
        replaces={"window": window, "placement": placement, "contact": contact},
        tenant_id=window.tenant_id,
        window=window,
        placement=placement,
        contact=contact,
        email=contact.email,
        created_by=by,
        expires_at=min(timezone.now() + timedelta(days=RaterLink.VALID_DAYS), closes),
    )
    record(window, action="window.link_sent", by=by, note=f"{placement.student} → {contact.email}")

    tenant_id, link_id = window.tenant_id, link.pk
    queue_after_commit(send_rater_link, tenant_id=tenant_id, link_id=link_id, token=token)
    return link, token


def rater_links_send_all(*, window, by):
    """Emails a link to every partner supervisor (with an email address) of the window's
    placements whose partner assessment is missing and who has no waiting link. Returns how
    many were sent."""
    if Rater.PARTNER not in window.raters:
        raise ValidationError(_("This window does not ask the partner supervisor."))
    placements = window_placements(window).exclude(
        pk__in=Assessment.objects.filter(window=window, rater=Rater.PARTNER).values("placement_id")
    )
    waiting = set(
        RaterLink.objects.filter(RaterLink.status_q(), window=window).values_list("placement_id", "contact_id")
    )
    sent = 0
    supervisors = (
        PlacementSupervisor.objects.filter(placement__in=placements.values("pk"))
        .exclude(contact__email="")
        .select_related("placement", "contact")
        .order_by("placement_id", "contact_id")
    )
    for supervisor in supervisors:
        if (supervisor.placement_id, supervisor.contact_id) in waiting:
            continue
        rater_link_send(window=window, placement=supervisor.placement, contact=supervisor.contact, by=by)
        sent += 1
    return sent


@transaction.atomic
def rater_link_revoke(*, link, by):
    links.link_revoke(link)
    record(link.window, action="window.link_revoked", by=by, note=link.email)
    return link


def rater_link_open(*, link):
    links.link_opened(link)


@transaction.atomic
def rater_link_submit(*, link, raw, comment):
    """The partner's assessment through the link; submitting uses the link up, once."""
    links.link_check_pending(link)
    assessment = assessment_submit(
        window=link.window,
        placement=link.placement,
        rater=Rater.PARTNER,
        raw=raw,
        by=None,
        comment=comment,
        name=link.contact.full_name,
        link=link,
    )
    links.link_use(link)
    return assessment

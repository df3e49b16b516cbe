"""Writes of the consortium app: the consortium and its members, the common program's versions,
a member's adoption of it and its acceptance of newer versions, good-practice write-ups, shared
partner records and a member's links to them. Keyword-only `<noun>_<verb>`."""

import copy

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coop.workflow import record, transition
from placements.models import Agreement, Program
from placements.services.programs import program_save
from reports.services import evaluation_form_save, report_guide_clean, report_guide_save
from rubrics.builtins import TEMPLATES as RUBRIC_TEMPLATES
from rubrics.models import Rubric
from rubrics.services import rubric_create, rubric_structure_clean, rubric_update
from surveys.models import SurveyForm
from surveys.services import form_create, form_questions_clean, form_update

from . import selectors
from .models import (
    AdoptedTemplate,
    Adoption,
    CommonProgramVersion,
    Consortium,
    ConsortiumCoordinator,
    ConsortiumMember,
    PartnerLink,
    PracticeCase,
    SharedPartner,
    Stage,
)

# --- The consortium ---------------------------------------------------------------------------------


def consortium_create(*, name, slug, description=""):
    consortium = Consortium(name=name, slug=slug, description=description)
    consortium.full_clean()
    consortium.save()
    return consortium


def consortium_member_add(*, consortium, tenant, joined_on):
    member, _created = ConsortiumMember.objects.get_or_create(
        consortium=consortium, member=tenant, defaults={"joined_on": joined_on}
    )
    return member


def consortium_coordinator_add(*, consortium, user):
    coordinator, _created = ConsortiumCoordinator.objects.get_or_create(consortium=consortium, user=user)
    return coordinator


# --- The common program -------------------------------------------------------------------------------


def rubric_from_template(template, *, name=""):
    """The rubric part of a version, from one of the rubrics app's built-in templates."""
    found = RUBRIC_TEMPLATES.get(template)
    if found is None:
        raise ValidationError(_("Unknown template."))
    return {
        "template": template,
        "name": (name or found["name"]).strip()[:200],
        "kind": found["kind"],
        "description": found["description"],
        "levels": copy.deepcopy(found["levels"]),
        "criteria": copy.deepcopy(found["criteria"]),
    }


def _evaluation_form_clean(form):
    """The optional evaluation form of a version: nothing, or criteria with a scale."""
    if not form or not form.get("criteria_text", "").strip():
        return {}
    if not 2 <= int(form.get("scale_max") or 0) <= 10:
        raise ValidationError(_("The highest score is between 2 and 10."))
    for line in [*form["criteria_text"].splitlines(), *form.get("questions_text", "").splitlines()]:
        if line.strip() and not line.partition("|")[0].strip():
            raise ValidationError(_("Write a label before the | on each line."))
    return {
        "name": form.get("name", "").strip()[:200],
        "criteria_text": form["criteria_text"].strip(),
        "questions_text": form.get("questions_text", "").strip(),
        "scale_max": int(form["scale_max"]),
    }


def _use_evaluation_form(tenant, version, by):
    """The member's evaluation form becomes the version's (a new version of the member's form
    once evaluations use the old one: old scores keep their meaning)."""
    form = version.evaluation_form
    if not form:
        raise ValidationError(_("This version of the common program has no evaluation form."))
    return evaluation_form_save(
        tenant=tenant,
        by=by,
        name=form["name"] or version.name,
        criteria_text=form["criteria_text"],
        questions_text=form["questions_text"],
        scale_max=form["scale_max"],
    )


SURVEY_CODE_MAX = 20


def _survey_forms_clean(forms):
    """The survey forms of a version: each with a name and questions the surveys app accepts
    (its own check), and a code kept from version to version (made when none is given). A
    block with neither a name nor a question is no survey form."""
    clean, codes = [], set()
    for form in forms or []:
        name = str(form.get("name") or "").strip()
        questions = list(form.get("questions") or [])
        if not name and not questions:
            continue
        if not name:
            raise ValidationError(_("Give the survey a name."))
        code = slugify(str(form.get("code") or ""))[:SURVEY_CODE_MAX].strip("-")
        if code and code in codes:
            raise ValidationError(_("Two survey forms of the common program have the same code."))
        clean.append(
            {
                "code": code,
                "name": name[:200],
                "description": str(form.get("description") or "").strip(),
                "questions": form_questions_clean(questions),
            }
        )
        codes.add(code)
    n = 0
    for form in clean:
        if not form["code"]:
            n += 1
            while f"survey{n}" in codes:
                n += 1
            form["code"] = f"survey{n}"
            codes.add(form["code"])
    return clean


def member_survey_code(consortium, code):
    """The code of a member's copy of one of the version's survey forms: the same in every
    version, so accepting a newer version changes that form (a new version of it once
    answered) instead of adding another."""
    return f"{consortium.slug}-{code}"[:50].strip("-")


def _copy_survey_forms(tenant, consortium, version, by):
    """Each survey form of the version becomes the member's own SurveyForm, through the surveys
    app: made the first time, changed after (a form that has answers gets a new version, and
    the answers keep pointing at the one they answered). A member's form the version no longer
    carries stays the member's, as it is."""
    for item in version.survey_forms:
        code = member_survey_code(consortium, item["code"])
        current = SurveyForm.objects.filter(tenant=tenant, code=code, is_current=True).first()
        if current is None:
            form_create(
                tenant=tenant,
                by=by,
                name=item["name"],
                description=item["description"],
                questions=item["questions"],
                code=code,
            )
        elif (current.name, current.description, current.questions) != (
            item["name"],
            item["description"],
            item["questions"],
        ):
            form_update(
                form=current, by=by, name=item["name"], description=item["description"], questions=item["questions"]
            )


def _copy_report_guide(program, version, by):
    """The version's report guide becomes the adopted program's (a version without one leaves
    the program's guide as it is)."""
    if version.report_guide:
        report_guide_save(program=program, by=by, prompts=version.report_guide)


@transaction.atomic
def common_program_publish(
    *,
    consortium,
    by,
    name,
    description,
    phases,
    rubric,
    templates,
    changes="",
    evaluation_form=None,
    survey_forms=(),
    report_guide=None,
):
    """Publishes the next version of the common program. `phases` maps each Stage to its text,
    `rubric` is in the rubrics app's structure, `templates` a list of {kind, title, text},
    `survey_forms` a list of {code, name, description, questions} (the surveys app's
    questions), `report_guide` {report field: prompt} (reports.models.ReportGuide)."""
    name, description = name.strip(), description.strip()
    if not name or not description:
        raise ValidationError(_("Give the common program a name and a description."))
    if set(phases) - set(Stage.values):
        raise ValidationError(_("Unknown phase."))
    kinds = set(Agreement.Kind.values)
    templates = [t for t in templates if t.get("text", "").strip()]
    if any(t["kind"] not in kinds for t in templates):
        raise ValidationError(_("Unknown kind of agreement."))
    levels, criteria = rubric_structure_clean(kind=rubric["kind"], levels=rubric["levels"], criteria=rubric["criteria"])
    rubric = {**rubric, "levels": levels, "criteria": criteria}
    survey_forms = _survey_forms_clean(survey_forms)
    report_guide = report_guide_clean(report_guide)
    # One version at a time: the consortium row is the lock two coordinators publishing meet on.
    Consortium.objects.select_for_update().filter(pk=consortium.pk).first()
    latest = selectors.latest_version(consortium)
    return CommonProgramVersion.objects.create(
        consortium=consortium,
        number=(latest.number + 1) if latest else 1,
        name=name[:200],
        description=description,
        phases={key: phases.get(key, "").strip() for key in Stage.values},
        rubric=rubric,
        templates=[
            {"kind": t["kind"], "title": t["title"].strip()[:200], "text": t["text"].strip()} for t in templates
        ],
        evaluation_form=_evaluation_form_clean(evaluation_form),
        survey_forms=survey_forms,
        report_guide=report_guide,
        changes=changes.strip(),
        published_by=by,
    )


def _program_description(version):
    phases = "\n".join(f"■ {label}: {text}" for label, text in version.phase_list if text)
    return f"{version.description}\n\n{phases}".strip()


def _copy_templates(adoption, version):
    AdoptedTemplate.objects.filter(tenant_id=adoption.tenant_id, adoption=adoption).delete()
    AdoptedTemplate.objects.bulk_create(
        AdoptedTemplate(
            tenant_id=adoption.tenant_id,
            adoption=adoption,
            kind=t["kind"],
            title=t["title"],
            text=t["text"],
            version_number=version.number,
        )
        for t in version.templates
    )


@transaction.atomic
def common_program_adopt(*, consortium, tenant, by, use_evaluation_form=False):
    """A member takes the latest common program into its own tenant: its own Program, a copy of
    the rubric and of the agreement templates, its own survey forms and the program's report
    guide, all its rows from now on; with
    `use_evaluation_form`, the program's evaluation form becomes the member's (it has one form
    for all its evaluations, so this is the member's choice)."""
    if not any(m.consortium_id == consortium.pk for m in selectors.consortiums_of_tenant(tenant)):
        raise ValidationError(_("Only a member institution can adopt the common program."))
    version = selectors.latest_version(consortium)
    if version is None:
        raise ValidationError(_("The consortium has not published its common program yet."))
    if Adoption.objects.filter(tenant=tenant, consortium=consortium).exists():
        raise ValidationError(_("Your institution has already adopted this common program."))
    program = program_save(
        tenant=tenant,
        by=by,
        name=version.name,
        kind=Program.Kind.PRACTICAL_INTERNSHIP,
        description=_program_description(version),
    )
    rubric = rubric_create(
        tenant=tenant,
        by=by,
        name=version.rubric["name"],
        kind=version.rubric["kind"],
        levels=version.rubric["levels"],
        criteria=version.rubric["criteria"],
        description=version.rubric.get("description", ""),
        code=f"{consortium.slug}-common",
        template=version.rubric.get("template", ""),
    )
    try:
        with transaction.atomic():
            adoption = Adoption.objects.create(
                tenant=tenant, consortium=consortium, version=version, program=program, rubric=rubric, adopted_by=by
            )
    except IntegrityError as error:  # adopted at the same moment by another admin
        raise ValidationError(_("Your institution has already adopted this common program.")) from error
    _copy_templates(adoption, version)
    _copy_survey_forms(tenant, consortium, version, by)
    _copy_report_guide(program, version, by)
    if use_evaluation_form:
        _use_evaluation_form(tenant, version, by)
    record(adoption, action="adoption.created", by=by, values={"number": version.number})
    return adoption


@transaction.atomic
def common_program_update_accept(*, adoption, by, use_evaluation_form=False):
    """The member's copy follows the latest version: the program's text, the rubric (a new
    version of it once assessments use the old one, so old scores keep their meaning), the
    templates, the survey forms (likewise a new version once answered) and the report guide.
    Nothing changes for a member until it accepts."""
    adoption = Adoption.objects.select_for_update().get(pk=adoption.pk, tenant_id=adoption.tenant_id)
    latest = selectors.latest_version(adoption.consortium)
    if latest is None or latest.number <= adoption.version.number:
        raise ValidationError(_("Your institution already follows the latest version."))
    program_save(
        tenant=adoption.tenant,
        by=by,
        program=adoption.program,
        name=latest.name,
        description=_program_description(latest),
    )
    wanted = latest.rubric
    rubric = adoption.rubric
    current = (
        Rubric.objects.filter(tenant_id=adoption.tenant_id, code=rubric.code, is_current=True).first()
        if rubric
        else None
    )
    if current is not None and current.kind == wanted["kind"]:
        adoption.rubric = rubric_update(
            rubric=current,
            by=by,
            name=wanted["name"],
            description=wanted.get("description", ""),
            levels=wanted["levels"],
            criteria=wanted["criteria"],
        )
    else:  # another kind of rubric (a questionnaire for a rubric) is another rubric
        adoption.rubric = rubric_create(
            tenant=adoption.tenant,
            by=by,
            name=wanted["name"],
            kind=wanted["kind"],
            levels=wanted["levels"],
            criteria=wanted["criteria"],
            description=wanted.get("description", ""),
            code=f"{adoption.consortium.slug}-common",
            template=wanted.get("template", ""),
        )
    before = adoption.version.number
    adoption.version = latest
    adoption.save(update_fields=["version", "rubric", "updated_at"])
    _copy_templates(adoption, latest)
    _copy_survey_forms(adoption.tenant, adoption.consortium, latest, by)
    _copy_report_guide(adoption.program, latest, by)
    if use_evaluation_form:
        _use_evaluation_form(adoption.tenant, latest, by)
    record(adoption, action="adoption.updated", by=by, values={"from": before, "number": latest.number})
    return adoption


# --- Good practice --------------------------------------------------------------------------------------


@transaction.atomic
def practice_save(*, tenant, consortium, by, case=None, **values):
    if case is None:
        if not any(m.consortium_id == consortium.pk for m in selectors.consortiums_of_tenant(tenant)):
            raise ValidationError(_("Only a member institution can write for the consortium's library."))
        case = PracticeCase(tenant=tenant, consortium=consortium, created_by=by)
    for name in ("title", "practice", "lessons", "file"):
        if name in values and (name != "file" or values[name] is not None):
            setattr(case, name, values[name] or "")
    case.full_clean()
    case.save()
    record(case, action="practicecase.saved", by=by)
    return case


@transaction.atomic
def practice_share(*, case, by):
    case.shared_at = timezone.now()
    return transition(case, to=PracticeCase.State.SHARED, by=by, allowed=case.TRANSITIONS, extra_fields=["shared_at"])


@transaction.atomic
def practice_withdraw(*, case, by):
    return transition(case, to=PracticeCase.State.WITHDRAWN, by=by, allowed=case.TRANSITIONS)


# --- Shared partners ------------------------------------------------------------------------------------


def shared_partner_create(*, consortium, by, name, corporate_number, address=""):
    shared = SharedPartner(
        consortium=consortium, name=name.strip(), corporate_number=corporate_number.strip(), address=address.strip()
    )
    shared.created_by = by
    if SharedPartner.objects.filter(consortium=consortium, corporate_number=shared.corporate_number).exists():
        raise ValidationError({"corporate_number": _("This corporate number is already recorded in the consortium.")})
    shared.full_clean()
    shared.save()
    return shared


@transaction.atomic
def partner_link(*, partner, shared_partner, by):
    """Records the member's own partner as the consortium's shared partner record."""
    tenant_id = partner.tenant_id
    if not ConsortiumMember.objects.filter(consortium_id=shared_partner.consortium_id, member_id=tenant_id).exists():
        raise ValidationError(_("Only a member institution can link to the consortium's partners."))
    if PartnerLink.objects.filter(
        tenant_id=tenant_id, partner=partner, shared_partner__consortium_id=shared_partner.consortium_id
    ).exists():
        raise ValidationError(_("This partner is already linked to a shared partner of the consortium."))
    link = PartnerLink.objects.create(tenant_id=tenant_id, partner=partner, shared_partner=shared_partner, linked_by=by)
    record(link, action="partnerlink.created", by=by)
    return link


@transaction.atomic
def partner_unlink(*, link, by):
    record(link, action="partnerlink.deleted", by=by)
    link.delete()

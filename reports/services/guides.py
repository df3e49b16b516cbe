"""Writes of a program's report guide: the prompts its students see under the fields of their
daily and monthly reports."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coop.workflow import record

from ..models import ReportGuide
from ..selectors import report_guide_for


def report_guide_clean(prompts):
    """Checks and normalises a guide's prompts ({report field: text}): known fields only, text
    of at most ReportGuide.MAX_PROMPT characters, each on one line. Returns every field with
    its prompt ("" for none), or {} when every prompt is blank."""
    prompts = prompts or {}
    if not isinstance(prompts, dict):
        raise ValidationError(_("The report guide is a prompt for each report field."))
    unknown = set(prompts) - set(ReportGuide.FIELDS)
    if unknown:
        raise ValidationError(_("Unknown report field: %(names)s") % {"names": ", ".join(sorted(unknown))})
    clean = {}
    for name in ReportGuide.FIELDS:
        value = prompts.get(name) or ""
        if not isinstance(value, str):
            raise ValidationError(_("The report guide is a prompt for each report field."))
        text = " ".join(value.split())  # a help line under a field: one line, single spaces
        if len(text) > ReportGuide.MAX_PROMPT:
            raise ValidationError(
                _("A prompt of the report guide is at most %(n)s characters.") % {"n": ReportGuide.MAX_PROMPT}
            )
        clean[name] = text
    return clean if any(clean.values()) else {}


@transaction.atomic
def report_guide_save(*, program, by, prompts):
    """Writes the program's guide (made the first time). Every field not in `prompts` is blank."""
    clean = report_guide_clean(prompts) or dict.fromkeys(ReportGuide.FIELDS, "")
    guide = report_guide_for(program)
    if guide is None:
        guide = ReportGuide(tenant_id=program.tenant_id, program=program)
    elif guide.prompts == clean:
        return guide  # nothing changed: no history line
    for name, text in clean.items():
        setattr(guide, name, text)
    guide.updated_by = by
    guide.save()
    record(guide, action="reportguide.saved", by=by)
    return guide

"""Writes of the reports app, one module per area; every name is importable from here."""

from .core import (  # noqa: F401
    MAX_UNLOCK_DAYS,
    PRESENTATION_FIELDS,
    closure_add,
    closure_delete,
    daily_report_save,
    daily_report_unlock,
    final_report_file_delete,
    final_report_reopen,
    final_report_save,
    monthly_report_comment,
    monthly_report_feedback,
    monthly_report_return,
    monthly_report_save,
    presentation_save,
    report_settings_save,
    report_tallies_recount,
    report_tally_refresh,
)
from .evaluations import (  # noqa: F401
    check_rater,
    evaluation_form_current,
    evaluation_form_save,
    evaluation_reopen,
    evaluation_save,
    result_agree,
    result_save,
)
from .guides import report_guide_clean, report_guide_save  # noqa: F401
from .links import (  # noqa: F401
    access_link_evaluation,
    access_link_feedback,
    access_link_open,
    access_link_revoke,
    access_link_send,
)

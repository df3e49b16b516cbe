"""Views of the reports app, one module per area; urls.py names them from here."""

from .compliance import compliance  # noqa: F401
from .core import (  # noqa: F401
    closure_add,
    closure_delete,
    daily_edit,
    daily_unlock,
    final_file,
    final_file_delete,
    final_reopen,
    final_report,
    monthly_comment,
    monthly_detail,
    monthly_feedback,
    monthly_list,
    monthly_return,
    overview,
    placement_reports,
    placement_suspension_add,
    presentation_create,
    presentation_detail,
    presentation_edit,
    presentation_list,
    report_guide,
    report_settings,
    today,
)
from .evaluations import (  # noqa: F401
    evaluation_edit,
    evaluation_form_settings,
    evaluation_list,
    evaluation_reopen,
    evaluations,
    result_agree,
    result_save,
)
from .links import link, link_detail, link_list, link_revoke, link_send  # noqa: F401

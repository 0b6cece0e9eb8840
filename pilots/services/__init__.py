"""The life of a pilot, one function per verb (STYLE rule 1): lock the row, check the
permission and the TRANSITIONS table, change, save with a history reason, write a transition
row, notify after commit.

A package of three parts — the plan and its states (`lifecycle`), watching the running pilot
(`monitoring`), its end (`outcome`) — over what they share (`_base`); callers import from here."""

from pilots.services._base import (
    EVALUATION_WORKING_DAYS,
    FLOW,
    MAX_INDICATOR_VALUE,
    PLAN_FIELDS,
    RESULTS_REPORT_WORKING_DAYS,
    RULES,
    evaluation_exclusions,
)
from pilots.services.lifecycle import (
    pilot_adjust,
    pilot_complete,
    pilot_create,
    pilot_resume,
    pilot_start,
    pilot_suspend,
    pilot_terminate,
)
from pilots.services.monitoring import (
    attachment_add,
    check_inspection_open,
    corrective_action_close,
    inspection_record,
    inspector_assign,
    inspector_remove,
    pilot_inspectors,
    report_review,
    report_submit,
)
from pilots.services.outcome import pilot_evaluate, pilot_results_report

__all__ = [
    "EVALUATION_WORKING_DAYS",
    "FLOW",
    "MAX_INDICATOR_VALUE",
    "PLAN_FIELDS",
    "RESULTS_REPORT_WORKING_DAYS",
    "RULES",
    "attachment_add",
    "check_inspection_open",
    "corrective_action_close",
    "evaluation_exclusions",
    "inspection_record",
    "inspector_assign",
    "inspector_remove",
    "pilot_adjust",
    "pilot_complete",
    "pilot_create",
    "pilot_evaluate",
    "pilot_inspectors",
    "pilot_results_report",
    "pilot_resume",
    "pilot_start",
    "pilot_suspend",
    "pilot_terminate",
    "report_review",
    "report_submit",
]

"""What each step of a timeline is called (issue 13: no code reaches a reader). A transition
row stores its action as a code (`submit`, `party_opinion`, `close_action`, …); the timelines of
the pages show these labels (`TransitionBase.action_label`), in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ACTION_LABELS = {
    "adjust": _("Plan adjusted"),
    "answer": _("Answered"),
    "apply": _("Reorganisation applied"),
    "attach": _("Document attached"),
    "cancel": _("Reorganisation cancelled"),
    "close_action": _("Corrective action closed"),
    "co_implementer_add": _("Co-implementer added"),
    "co_implementer_remove": _("Co-implementer removed"),
    "complete": _("Completed"),
    "confirm": _("Resolution confirmed"),
    "create": pgettext_lazy("timeline", "Created"),
    "decide": _("Collective vote recorded"),
    "determine": _("Case determined"),
    "draft": _("Draft text prepared"),
    "drop": _("Dropped"),
    "escalate": _("Escalated to the unit above"),
    "evaluate": _("Evaluated by the collective"),
    "explanation": _("Explanation given"),
    "inspect": _("Inspection recorded"),
    "inspector_add": _("Inspector assigned"),
    "inspector_remove": _("Inspector unassigned"),
    "issue": _("Document issued"),
    "open": _("Case opened"),
    "override": _("Decided by the head"),
    "party_opinion": _("Party committee's opinion recorded"),
    "plan": _("Reorganisation plan loaded"),
    "propose": _("Proposed for institutionalisation"),
    "raise": _("Obstacle raised"),
    "referral_outcome": _("Outcome of the referral recorded"),
    "reject": _("Not approved"),
    "relief": _("Relief from liability decided"),
    "report": _("Progress report handed in"),
    "results_report": _("Results report handed in"),
    "resubmit": _("Submitted again"),
    "resume": _("Resumed"),
    "return": _("Returned for completion"),
    "review": pgettext_lazy("timeline", "Reviewed"),
    "send": _("Urging sent"),
    "start": pgettext_lazy("timeline", "Started"),
    "submit": pgettext_lazy("timeline", "Submitted"),
    "suspend": pgettext_lazy("timeline", "Suspended"),
    "terminate": pgettext_lazy("timeline", "Terminated"),
    "withdraw": pgettext_lazy("timeline", "Withdrawn"),
}


def action_label(code: str) -> str:
    """The label of a step's action (a code no label names is shown as it is: a test keeps every
    code the services write named here)."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code

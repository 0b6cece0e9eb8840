"""Product rules (DOMAIN.md): what the law leaves to the portal. Each has a default here and can
be changed in settings with PORTAL_RULES = {"name": value, ...}."""

from django.conf import settings

DEFAULTS: dict[str, int] = {
    # A reminder goes to the head this many working days before a decision is due.
    "proposal_due_soon_working_days": 2,
    # A progress report is due this many working days after its period ends.
    "pilot_report_due_working_days": 5,
    # Implementers are reminded this many working days before a progress report is due.
    "pilot_due_soon_working_days": 3,
    # Overdue longer than this, the parent unit's head is told as well.
    "pilot_escalate_after_working_days": 5,
    # A pilot plan spans at most this many years.
    "pilot_max_years": 10,
    # An accountability case is determined within this many working days of its opening...
    "case_determination_working_days": 15,
    # ... and relief or the referral's outcome decided within this many of the determination.
    "case_decision_working_days": 15,
    # An obstacle raised in a pilot is answered within this many working days (again after an
    # escalation or a reopening).
    "obstacle_answer_working_days": 5,
    # An urged item counts as cleared in time when it is cleared within this many working days.
    "urging_clearance_working_days": 10,
    # Heads and Organisation Committee staff are reminded of the 6-monthly and annual report
    # (30 June, 31 December) this many working days before, and again this many.
    "periodic_first_reminder_working_days": 10,
    "periodic_second_reminder_working_days": 3,
    # A signed-in session ends after this many minutes without a request, and in any case this
    # many hours after signing in (ASVS V3.3).
    "session_idle_minutes": 30,
    "session_max_hours": 12,
    # An API token expires this many days after it was issued.
    "api_token_days": 30,
}


def rule(name: str) -> int:
    return int(getattr(settings, "PORTAL_RULES", {}).get(name, DEFAULTS[name]))

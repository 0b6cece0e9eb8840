"""The work: proposals in every state, the pilots of the approved ones with their reports and
indicator values, the outcome cases of the failed evaluations."""

from __future__ import annotations

from accountability.models import Case
from monitoring.scale_data.shape import (
    DONE,
    PILOT_SHARES,
    PROPOSAL_SHARES,
    REPORTED,
    REPORTING,
    RUNNING,
    Sizes,
)
from monitoring.scale_data.sql import Dialect, _meta, _shares, insert, insert_history
from pilots.models import Indicator, IndicatorValue, Pilot, PilotTransition, ProgressReport
from proposals.models import Proposal, ProposalTransition


def _proposals(cursor, dialect: Dialect, sizes: Sizes) -> int:
    fn, cadres = dialect.fn, _meta(cursor, "cadres")
    status = _shares(f"{fn}rnd(g.n, 'status')", PROPOSAL_SHARES, "approved")
    open_states = "('draft', 'submitted', 'returned')"
    # open work is recent; decided work is spread over three years
    created = (
        f"{fn}day(-(CASE WHEN s.status IN {open_states} THEN {fn}pick(s.id, 'age', 40) "
        f"ELSE 60 + {fn}pick(s.id, 'age', 1040) END))"
    )
    cursor.execute(
        f"""CREATE TEMP TABLE scale_proposal AS SELECT s.*, {created} AS created FROM (
            SELECT g.n AS id, c.user_id AS author_id, c.unit_id AS unit_id, {status} AS status
            FROM {dialect.series(sizes.proposals)}
            JOIN scale_cadre c ON c.k = 1 + {fn}pick(g.n, 'author', {cadres})) s"""
    )
    received = "CASE WHEN s.status = 'draft' THEN NULL ELSE s.created END"
    days_to_decide = f"2 + {fn}pick(s.id, 'decided', 12)"
    working_days = f"({days_to_decide}) * 5 / 7"
    decided = (
        "CASE WHEN s.status IN ('approved', 'approved_by_head', 'rejected', 'collective_rejected') "
        f"THEN {fn}add_days(s.created, {days_to_decide}) END"
    )
    text = "'Đề xuất tháo gỡ điểm nghẽn số ' || s.id"
    made = insert(
        cursor,
        Proposal,
        {
            "id": "s.id",
            "title": text,
            "necessity": "'Thủ tục hiện hành kéo dài, chồng chéo giữa các cơ quan.'",
            "gap_kind": "'unregulated'",
            "legal_basis": "'Nghị định 73/2023/NĐ-CP, Điều 7.'",
            "resources": "'Nhân lực hiện có của đơn vị.'",
            "feasibility": "'Khả thi trong phạm vi thẩm quyền.'",
            "impact_positive": "'Giảm thời gian và chi phí cho người dân.'",
            "impact_negative": "'Cán bộ cần thời gian làm quen.'",
            "risks": "'Chậm tiến độ nếu thiếu phối hợp.'",
            "solution": "'Thí điểm quy trình liên thông một cửa trong phạm vi đơn vị.'",
            "scope": "'Trong phạm vi đơn vị'",
            "start_date": f"{fn}add_days(s.created, 30)",
            "end_date": f"{fn}add_days(s.created, 395)",
            "budget_vnd": f"1000000 * (1 + {fn}pick(s.id, 'budget', 500))",
            "expected_results": "'Rút ngắn thời gian giải quyết hồ sơ.'",
            "conditions_confirmed": "true",
            "status": "s.status",
            "author_id": "s.author_id",
            "unit_id": "s.unit_id",
            "reviewer_unit_id": "s.unit_id",
            "received_on": received,
            "decision_due": f"CASE WHEN s.status = 'draft' THEN NULL ELSE {fn}add_days(s.created, 9) END",
            "decision_mode": "'pilot'",
            "decided_on": decided,
            "decision_working_days": f"CASE WHEN ({decided}) IS NULL THEN NULL ELSE {working_days} END",
            "decided_by_id": f"CASE WHEN ({decided}) IS NULL THEN NULL ELSE s.unit_id END",
            "votes_for": "CASE WHEN s.status = 'approved' THEN 5 END",
            "votes_against": "CASE WHEN s.status = 'approved' THEN 1 END",
            "votes_abstain": "CASE WHEN s.status = 'approved' THEN 0 END",
            "search_text": "'de xuat thao go diem nghen so ' || s.id",
            "created_at": f"{fn}stamp(s.created, s.id)",
            "updated_at": f"{fn}stamp(COALESCE({decided}, s.created), s.id)",
        },
        "scale_proposal s",
    )
    # history: the draft as created, then the row as it stands (one row per state change is
    # more than the lists read; two keep the history tables at a realistic size)
    history_source = "proposals_proposal s"
    insert_history(
        cursor,
        Proposal,
        history_source,
        {
            "status": "'draft'",
            "received_on": "NULL",
            "decision_due": "NULL",
            "decided_on": "NULL",
            "decision_working_days": "NULL",
            "decided_by_id": "NULL",
            "history_date": "s.created_at",
            "history_type": "'+'",
            "history_user_id": "s.author_id",
            "history_change_reason": "'created'",
        },
    )
    insert_history(
        cursor,
        Proposal,
        history_source + " WHERE s.status <> 'draft'",
        {
            "history_date": "s.updated_at",
            "history_type": "'~'",
            "history_user_id": "CASE WHEN s.decided_by_id IS NULL THEN s.author_id ELSE s.decided_by_id END",
            "history_change_reason": "s.status",
        },
    )
    insert(
        cursor,
        ProposalTransition,
        {
            "proposal_id": "s.id",
            "action": "'submit'",
            "actor_id": "s.author_id",
            "at": "s.created_at",
            "from_status": "'draft'",
            "to_status": "'submitted'",
            "params": dialect.json("{}"),
        },
        "proposals_proposal s WHERE s.status <> 'draft'",
    )
    final = {
        "returned": ("return", "submitted"),
        "withdrawn": ("withdraw", "submitted"),
        "approved": ("decide", "submitted"),
        "collective_rejected": ("decide", "submitted"),
        "approved_by_head": ("override", "collective_rejected"),
        "rejected": ("reject", "collective_rejected"),
    }
    action = "CASE s.status " + " ".join(f"WHEN '{k}' THEN '{a}'" for k, (a, _f) in final.items()) + " END"
    before = "CASE s.status " + " ".join(f"WHEN '{k}' THEN '{f}'" for k, (_a, f) in final.items()) + " END"
    insert(
        cursor,
        ProposalTransition,
        {
            "proposal_id": "s.id",
            "action": action,
            "actor_id": "CASE WHEN s.decided_by_id IS NULL THEN s.author_id ELSE s.decided_by_id END",
            "at": "s.updated_at",
            "from_status": before,
            "to_status": "s.status",
            "params": dialect.json("{}"),
        },
        "proposals_proposal s WHERE s.status NOT IN ('draft', 'submitted')",
    )
    return made


def _pilots(cursor, dialect: Dialect, sizes: Sizes) -> int:
    fn = dialect.fn
    status = _shares(f"{fn}rnd(s.id, 'pilot')", PILOT_SHARES, "active")
    cursor.execute(
        f"""CREATE TEMP TABLE scale_pilot AS SELECT s.*, {status} AS status FROM (
            SELECT ROW_NUMBER() OVER (ORDER BY p.id) AS id, p.id AS proposal_id, p.unit_id,
                   p.author_id, p.decided_on
            FROM proposals_proposal p
            WHERE p.status IN ('approved', 'approved_by_head')
            ORDER BY p.id LIMIT {int(sizes.pilots)}) s"""
    )
    reporting = "('" + "', '".join(REPORTING) + "')"
    cursor.execute(f"SELECT COUNT(*) FROM scale_pilot WHERE status IN {reporting}")
    reporting_pilots = max(1, cursor.fetchone()[0])
    per_pilot = max(1, -(-sizes.reports // reporting_pilots))
    cursor.execute("INSERT INTO scale_meta VALUES ('reports_per_pilot', %s)", [per_pilot])
    # a reporting pilot's periods end at its last period: open now for an active pilot (due
    # between 20 days ago and 20 days ahead), over for the others
    step = f"(CASE WHEN {fn}rnd(s.id, 'freq') < 0.7 THEN 30 ELSE 91 END)"
    last_end = (
        f"(CASE WHEN s.status IN ('active', 'suspended') THEN {fn}day(-25 + {fn}pick(s.id, 'due', 40)) "
        f"WHEN s.status = 'planned' THEN {fn}day(60) ELSE {fn}day(-30 - {fn}pick(s.id, 'ended', 300)) END)"
    )
    outcome = _shares(
        f"{fn}rnd(s.id, 'outcome')", (("completed", 0.7), ("partially_completed", 0.2)), "not_completed"
    )
    ends_later, progress = f"{fn}add_days({last_end}, 400)", f"{fn}pick(s.id, 'progress', 90)"
    start = (
        f"(CASE WHEN s.status = 'planned' THEN {fn}day(10 + {fn}pick(s.id, 'starts', 30)) "
        f"ELSE {fn}add_days({last_end}, -{per_pilot} * {step} + 1) END)"
    )
    made = insert(
        cursor,
        Pilot,
        {
            "id": "s.id",
            "proposal_id": "s.proposal_id",
            "unit_id": "s.unit_id",
            "directing_unit_id": "s.unit_id",
            "status": "s.status",
            "mode": "'pilot'",
            "start_date": start,
            "end_date": f"CASE WHEN s.status IN {RUNNING} THEN {ends_later} ELSE {last_end} END",
            "report_frequency": f"CASE WHEN {step} = 30 THEN 'monthly' ELSE 'quarterly' END",
            "budget_vnd": f"1000000 * (1 + {fn}pick(s.id, 'budget', 500))",
            "scope": "'Trong phạm vi đơn vị'",
            "progress_percent": f"CASE WHEN s.status IN {DONE} THEN 100 ELSE {progress} END",
            "suspended_on": f"CASE WHEN s.status = 'suspended' THEN {fn}day(-10) END",
            "completed_on": f"CASE WHEN s.status IN {DONE} THEN {last_end} END",
            "results_report_due": f"CASE WHEN s.status IN {DONE} THEN {fn}add_days({last_end}, 7) END",
            "results_reported_on": f"CASE WHEN s.status IN {REPORTED} THEN {fn}add_days({last_end}, 5) END",
            "evaluation_due": f"CASE WHEN s.status IN {REPORTED} THEN {fn}add_days({last_end}, 14) END",
            "outcome": f"CASE WHEN s.status <> 'evaluated' THEN '' ELSE {outcome} END",
            "evaluated_on": f"CASE WHEN s.status = 'evaluated' THEN {fn}add_days({last_end}, 12) END",
            "created_by_id": "s.unit_id",
            "created_at": f"{fn}stamp({fn}add_days(s.decided_on, 1), s.id)",
        },
        "scale_pilot s",
    )
    insert_history(
        cursor,
        Pilot,
        "pilots_pilot s",
        {
            "history_date": "s.created_at",
            "history_type": "'+'",
            "history_user_id": "s.created_by_id",
            "history_change_reason": "s.status",
        },
    )
    insert(
        cursor,
        PilotTransition,
        {
            "pilot_id": "s.id",
            "action": "'start'",
            "actor_id": "s.created_by_id",
            "at": "s.created_at",
            "from_status": "'planned'",
            "to_status": "'active'",
            "params": dialect.json("{}"),
        },
        "pilots_pilot s WHERE s.status <> 'planned'",
    )
    final = {
        "suspended": ("suspend", "active"),
        "terminated": ("terminate", "active"),
        "completed": ("complete", "active"),
        "under_evaluation": ("results_report", "completed"),
        "evaluated": ("evaluate", "under_evaluation"),
    }
    action = "CASE s.status " + " ".join(f"WHEN '{k}' THEN '{a}'" for k, (a, _f) in final.items()) + " END"
    before = "CASE s.status " + " ".join(f"WHEN '{k}' THEN '{f}'" for k, (_a, f) in final.items()) + " END"
    insert(
        cursor,
        PilotTransition,
        {
            "pilot_id": "s.id",
            "action": action,
            "actor_id": "s.created_by_id",
            "at": f"{fn}stamp(s.end_date, s.id)",
            "from_status": before,
            "to_status": "s.status",
            "params": dialect.json("{}"),
        },
        "pilots_pilot s WHERE s.status NOT IN ('planned', 'active')",
    )
    cursor.execute(
        """INSERT INTO pilots_pilot_implementers (pilot_id, user_id)
            SELECT s.id, s.author_id FROM scale_pilot s"""
    )
    for position, name, unit in ((0, "Thời gian giải quyết hồ sơ", "ngày"), (1, "Tỷ lệ hài lòng", "%")):
        insert(
            cursor,
            Indicator,
            {
                "pilot_id": "s.id",
                "name": f"'{name}'",
                "unit": f"'{unit}'",
                "baseline": "20" if position == 0 else "60",
                "target": "10" if position == 0 else "90",
                "position": str(position),
                "retired": "false",
            },
            "scale_pilot s",
        )
    return made


def _reports(cursor, dialect: Dialect, sizes: Sizes) -> int:
    """`reports_per_pilot` periods for every pilot that reports, the last one open for an active
    pilot; accepted ones carry a value of the first indicator."""
    fn, per_pilot = dialect.fn, _meta(cursor, "reports_per_pilot")
    reporting = "('" + "', '".join(REPORTING) + "')"
    step = "(CASE WHEN p.report_frequency = 'monthly' THEN 30 ELSE 91 END)"
    period_end = f"{fn}add_days(p.start_date, (k.n) * {step} - 1)"
    last = f"k.n = {per_pilot} AND p.status IN ('active', 'suspended')"
    status = (
        f"CASE WHEN {last} THEN 'due' WHEN k.n = {per_pilot - 1} AND {fn}rnd(p.id, 'late') < 0.1 "
        f"THEN 'submitted' WHEN k.n = {per_pilot - 1} AND {fn}rnd(p.id, 'late') < 0.13 THEN 'correction' "
        "ELSE 'accepted' END"
    )
    source = f"pilots_pilot p, {dialect.series(per_pilot, 'k')} WHERE p.status IN {reporting}"
    handed_in = f"{fn}stamp({fn}add_days({period_end}, 3), p.id)"
    made = insert(
        cursor,
        ProgressReport,
        {
            "pilot_id": "p.id",
            "period_start": f"{fn}add_days(p.start_date, (k.n - 1) * {step})",
            "period_end": period_end,
            "due_date": f"{fn}add_days({period_end}, 5)",
            "status": status,
            "summary": f"CASE WHEN {last} THEN '' ELSE 'Triển khai đúng kế hoạch kỳ ' || k.n END",
            "progress_percent": f"CASE WHEN {last} THEN NULL ELSE k.n * 100 / {per_pilot} END",
            "submitted_at": f"CASE WHEN {last} THEN NULL ELSE {handed_in} END",
            "submitted_by_id": f"CASE WHEN {last} THEN NULL ELSE p.created_by_id END",
            "reviewed_by_id": f"CASE WHEN {last} THEN NULL ELSE p.directing_unit_id END",
        },
        source,
    )
    insert_history(
        cursor,
        ProgressReport,
        "pilots_progressreport s",
        {
            "history_date": f"COALESCE(s.submitted_at, {fn}stamp(s.period_start, s.id))",
            "history_type": "'+'",
            "history_user_id": "s.submitted_by_id",
            "history_change_reason": "s.status",
        },
    )
    insert(
        cursor,
        IndicatorValue,
        {
            "indicator_id": "i.id",
            "report_id": "r.id",
            "value": "20 - 10 * (r.progress_percent / 100.0)",
            "as_of": "r.period_end",
            "final": "false",
            "recorded_at": "r.submitted_at",
        },
        "pilots_progressreport r JOIN pilots_indicator i ON i.pilot_id = r.pilot_id AND i.position = 0 "
        "WHERE r.status = 'accepted'",
    )
    return made


def _cases(cursor, dialect: Dialect) -> int:
    """An outcome case for every evaluation that was not `completed`; most already decided."""
    fn = dialect.fn
    made = insert(
        cursor,
        Case,
        {
            "pilot_id": "p.id",
            "pilot_unit_id": "p.unit_id",
            "proposal_id": "p.proposal_id",
            "unit_id": "pr.reviewer_unit_id",
            "kind": "'outcome'",
            "status": _shares(
                f"{fn}rnd(p.id, 'case')", (("open", 0.2), ("liability_excluded", 0.6)), "decided"
            ),
            "subject_id": "pr.author_id",
            "opened_by_id": "p.directing_unit_id",
            "opened_at": f"{fn}stamp(p.evaluated_on, p.id)",
            "summary": "'Kết quả thí điểm chưa đạt mục tiêu.'",
            "determination_due": f"{fn}add_days(p.evaluated_on, 30)",
        },
        "pilots_pilot p JOIN proposals_proposal pr ON pr.id = p.proposal_id "
        "WHERE p.status = 'evaluated' AND p.outcome <> 'completed'",
    )
    insert_history(
        cursor,
        Case,
        "accountability_case s",
        {
            "history_date": "s.opened_at",
            "history_type": "'+'",
            "history_user_id": "s.opened_by_id",
            "history_change_reason": "s.status",
        },
    )
    return made

"""Pilot reminders (pilots.tasks.pilot_reminders) and the start of planned pilots
(pilots.tasks.start_due_pilots) through the daily due sweep (acceptance line 5).

Progress reports: 3 working days before the due date the implementers are reminded; once overdue,
the implementers and (escalation) the head of the approving unit, and after more than 5 working
days overdue also the head of its parent unit — every working day until the report is in.
Results reports (due 5 working days after completion or termination) and evaluations (due 7
working days after the results report): on the due day the owners (implementers; the head), then
overdue the same and escalation up the chain. Corrective actions: on the due day the implementers
and the inspector, overdue the head as well, and long overdue the parent unit's head. Suspended
pilots get no report reminders. Every reminder goes out once a day, however often the sweep runs.

The organisation is the demo one: cadre_a and cadre_a2 carry out pilots approved by head_a (SKHDT);
SKHDT's parent is UBND, headed by head_top. The dates are real 2026 working days (asserted).

The in-process tests call portal.reminders.sweep() with the clock moved to the day; the worker
test sends the sweeps through Redis to a real Celery worker on the PostgreSQL test database.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections import Counter
from contextlib import contextmanager

import pytest
import time_machine

from pilots import services
from pilots.models import Pilot, PilotTransition, ProgressReport
from portal import reminders
from portal.models import Notification, ReminderLog, RoleAssignment, SweepRun, User
from portal.workdays import add_working_days, is_working_day, working_days_between
from tests.proposals.conftest import make_proposal
from tests.worker import running_worker, wait_for

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
DAY = datetime.date(2026, 10, 15)  # a Thursday
NEXT_WORKING_DAY = datetime.date(2026, 10, 16)  # Friday
WEEKEND_DAY = datetime.date(2026, 10, 17)  # Saturday
IMPLEMENTERS = ("cadre_a", "cadre_a2")
PILOT_KINDS = (
    "pilot_report_due_soon", "pilot_report_overdue", "pilot_report_overdue_escalation",
    "pilot_results_report_due", "pilot_results_report_overdue", "pilot_results_report_overdue_escalation",
    "pilot_evaluation_due", "pilot_evaluation_overdue", "pilot_evaluation_overdue_escalation",
    "pilot_action_due", "pilot_action_overdue",
)  # fmt: skip


def d(month: int, day: int) -> datetime.date:
    return datetime.date(2026, month, day)


@contextmanager
def on(day: datetime.date):
    """The clock at 09:30 in Hanoi on `day`."""
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(9, 30), tzinfo=HANOI), tick=False):
        yield


@pytest.fixture
def org(demo) -> dict[str, User]:
    """The demo organisation without the demo proposals and pilots, so the only pilots are the
    ones a test builds; everyone's role held since long before the dates the tests travel to."""
    RoleAssignment.objects.update(started_on=datetime.date(2020, 1, 1))
    return demo


def person(org, username: str) -> User:
    return User.objects.get(pk=org[username].pk)  # no role cache from another date


# --- The scenario ---------------------------------------------------------------------------------


def new_pilot(
    org, start: datetime.date, *, created: datetime.date | None = None, implementers=IMPLEMENTERS
) -> Pilot:
    """A monthly pilot of an approved proposal of cadre_a, set up by head_a on `created` (its
    start date unless said otherwise), running for 6 months."""
    with on(created or start):
        proposal = make_proposal(person(org, "cadre_a"), "approved")
        return services.pilot_create(
            actor=person(org, "head_a"), proposal=proposal, start_date=start,
            end_date=start + datetime.timedelta(days=180), report_frequency="monthly",
            implementers=[person(org, name) for name in implementers],
            indicators=[{"name": "Thời gian xử lý hồ sơ", "unit": "ngày", "baseline": 45, "target": 15}],
        )  # fmt: skip


def first_report(pilot: Pilot) -> ProgressReport:
    return pilot.reports.order_by("period_end").first()


def complete(org, pilot: Pilot, day: datetime.date) -> Pilot:
    with on(day):
        return services.pilot_complete(actor=person(org, "cadre_a"), pilot=pilot)


def report_results(org, pilot: Pilot, day: datetime.date) -> Pilot:
    with on(day):
        return services.pilot_results_report(actor=person(org, "cadre_a"), pilot=pilot, summary="Kết quả")


def scenario(org) -> dict[str, object]:
    """On DAY: something due or overdue of every kind, and things that must stay quiet."""
    assert is_working_day(DAY) and is_working_day(NEXT_WORKING_DAY) and not is_working_day(WEEKEND_DAY)
    assert add_working_days(DAY, 1) == NEXT_WORKING_DAY
    assert add_working_days(DAY, 3) == d(10, 20)  # "due soon" on DAY means due on 20/10
    s: dict[str, object] = {}

    # Progress reports: the first period of a monthly pilot, due 5 working days after it ends.
    s["report_due_soon"] = first_report(new_pilot(org, d(9, 14)))  # 14/09–13/10, due 20/10
    s["report_overdue"] = first_report(new_pilot(org, d(9, 7)))  # 07/09–06/10, due 13/10
    s["report_long_overdue"] = first_report(new_pilot(org, d(8, 29)))  # 29/08–28/09, due 05/10
    suspended = new_pilot(org, d(9, 7))  # the twin of report_overdue, suspended on 08/10
    with on(d(10, 8)):
        services.pilot_suspend(actor=person(org, "head_a"), pilot=suspended, reason="Tạm dừng để rà soát")
    s["suspended_report"] = first_report(suspended)
    handed_in = new_pilot(org, d(9, 7))  # the twin of report_overdue, reported on 07/10
    with on(d(10, 7)):
        services.report_submit(
            actor=person(org, "cadre_a2"), pilot=handed_in, period_end=d(10, 6), summary="Tháng 9",
            progress_percent=20,
        )  # fmt: skip
    s["submitted_report"] = first_report(handed_in)
    returned = new_pilot(org, d(8, 29))  # the twin of report_long_overdue: returned for correction
    with on(d(10, 1)):
        report = services.report_submit(
            actor=person(org, "cadre_a"), pilot=returned, period_end=d(9, 28), summary="Tháng 9",
            progress_percent=15,
        )  # fmt: skip
        services.report_review(actor=person(org, "head_a"), report=report, accept=False, note="Thiếu số liệu")
    s["correction_report"] = first_report(returned)

    # Results reports: due 5 working days after completion (or termination).
    s["results_due"] = complete(org, new_pilot(org, d(8, 3)), d(10, 8))  # due 15/10
    terminated = new_pilot(org, d(8, 3))
    with on(d(10, 6)):
        s["results_overdue"] = services.pilot_terminate(
            actor=person(org, "head_a"), pilot=terminated, reason="Không hiệu quả"
        )  # due 13/10
    s["results_long_overdue"] = complete(org, new_pilot(org, d(8, 3)), d(9, 25))  # due 02/10

    # Evaluations: due 7 working days after the results report.
    s["evaluation_due"] = report_results(org, complete(org, new_pilot(org, d(8, 3)), d(10, 1)), d(10, 6))
    s["evaluation_overdue"] = report_results(org, complete(org, new_pilot(org, d(8, 3)), d(9, 28)), d(10, 2))
    s["evaluation_long_overdue"] = report_results(
        org, complete(org, new_pilot(org, d(8, 3)), d(9, 21)), d(9, 25)
    )  # due 06/10
    evaluated = report_results(org, complete(org, new_pilot(org, d(8, 3)), d(9, 21)), d(9, 25))
    with on(d(10, 1)):
        services.pilot_evaluate(
            actor=person(org, "head_a"), pilot=evaluated, outcome="completed", damage=False,
            objective_causes="", subjective_causes="", party_opinion="Đồng ý",
        )  # fmt: skip

    # Corrective actions, on an active pilot that cadre_a carries out alone.
    inspected = new_pilot(org, d(10, 1), implementers=("cadre_a",))  # first report due 07/11
    with on(d(10, 1)):
        for name, due in (
            ("action_due", d(10, 15)),
            ("action_overdue", d(10, 13)),
            ("action_long_overdue", d(10, 5)),
            ("action_closed", d(10, 5)),
        ):
            inspection = services.inspection_record(
                actor=person(org, "inspector"), pilot=inspected, findings=f"Phát hiện: {name}",
                severity="minor", corrective_actions=f"Khắc phục: {name}", due_date=due,
            )  # fmt: skip
            s[name] = inspection.actions.get()
    with on(d(10, 6)):
        services.corrective_action_close(
            actor=person(org, "inspector"), action=s["action_closed"], note="Xong"
        )

    # Planned pilots, set up on 01/10: one starts on DAY, one later.
    s["starts_on_day"] = new_pilot(org, DAY, created=d(10, 1))
    s["starts_later"] = new_pilot(org, d(10, 20), created=d(10, 1))

    refreshed = {name: type(obj).objects.get(pk=obj.pk) for name, obj in s.items()}
    due_dates = {
        "report_due_soon": d(10, 20), "report_overdue": d(10, 13), "report_long_overdue": d(10, 5),
        "suspended_report": d(10, 13), "submitted_report": d(10, 13), "correction_report": d(10, 5),
    }  # fmt: skip
    for name, due in due_dates.items():
        assert refreshed[name].due_date == due, name
    assert refreshed["correction_report"].status == ProgressReport.Status.CORRECTION
    assert refreshed["submitted_report"].status == ProgressReport.Status.SUBMITTED
    assert (refreshed["results_due"].status, refreshed["results_due"].results_report_due) == (
        "completed",
        DAY,
    )
    assert refreshed["results_overdue"].status == "terminated"
    assert refreshed["results_overdue"].results_report_due == d(10, 13)
    assert refreshed["results_long_overdue"].results_report_due == d(10, 2)
    assert refreshed["evaluation_due"].evaluation_due == DAY
    assert refreshed["evaluation_overdue"].evaluation_due == d(10, 13)
    assert refreshed["evaluation_long_overdue"].evaluation_due == d(10, 6)
    assert working_days_between(d(10, 13), DAY) <= 5 < working_days_between(d(10, 6), DAY)
    assert suspended.pk != s["report_overdue"].pilot_id
    assert Pilot.objects.get(pk=suspended.pk).status == "suspended"
    assert refreshed["starts_on_day"].status == refreshed["starts_later"].status == "planned"
    return refreshed


def rows(spec) -> set[tuple[str, str, str, int]]:
    """(recipient, kind, model, object id) for each of `spec`'s (people, kind, scenario object)."""
    return {
        (name, kind, type(obj).__name__.lower(), obj.pk)
        for people, kind, obj in spec
        for name in ((people,) if isinstance(people, str) else people)
    }


def expected_on(day: datetime.date, s: dict) -> set[tuple[str, str, str, int]]:
    if day == DAY:
        return rows(
            [
                (IMPLEMENTERS, "pilot_report_due_soon", s["report_due_soon"]),
                (IMPLEMENTERS, "pilot_report_overdue", s["report_overdue"]),
                ("head_a", "pilot_report_overdue_escalation", s["report_overdue"]),
                (IMPLEMENTERS, "pilot_report_overdue", s["report_long_overdue"]),
                (("head_a", "head_top"), "pilot_report_overdue_escalation", s["report_long_overdue"]),
                (IMPLEMENTERS, "pilot_report_overdue", s["correction_report"]),
                (("head_a", "head_top"), "pilot_report_overdue_escalation", s["correction_report"]),
                (IMPLEMENTERS, "pilot_results_report_due", s["results_due"]),
                (IMPLEMENTERS, "pilot_results_report_overdue", s["results_overdue"]),
                ("head_a", "pilot_results_report_overdue_escalation", s["results_overdue"]),
                (IMPLEMENTERS, "pilot_results_report_overdue", s["results_long_overdue"]),
                (
                    ("head_a", "head_top"),
                    "pilot_results_report_overdue_escalation",
                    s["results_long_overdue"],
                ),
                ("head_a", "pilot_evaluation_due", s["evaluation_due"]),
                ("head_a", "pilot_evaluation_overdue", s["evaluation_overdue"]),
                ("head_a", "pilot_evaluation_overdue", s["evaluation_long_overdue"]),
                ("head_top", "pilot_evaluation_overdue_escalation", s["evaluation_long_overdue"]),
                (("cadre_a", "inspector"), "pilot_action_due", s["action_due"]),
                (("cadre_a", "inspector", "head_a"), "pilot_action_overdue", s["action_overdue"]),
                (
                    ("cadre_a", "inspector", "head_a", "head_top"),
                    "pilot_action_overdue",
                    s["action_long_overdue"],
                ),
            ]
        )
    if day == NEXT_WORKING_DAY:
        # Due soon is only 3 working days before (report_due_soon is now 2 away): nothing. What was
        # due on DAY is overdue by one working day: owners and the head, not yet the parent head.
        return rows(
            [
                (IMPLEMENTERS, "pilot_report_overdue", s["report_overdue"]),
                ("head_a", "pilot_report_overdue_escalation", s["report_overdue"]),
                (IMPLEMENTERS, "pilot_report_overdue", s["report_long_overdue"]),
                (("head_a", "head_top"), "pilot_report_overdue_escalation", s["report_long_overdue"]),
                (IMPLEMENTERS, "pilot_report_overdue", s["correction_report"]),
                (("head_a", "head_top"), "pilot_report_overdue_escalation", s["correction_report"]),
                (IMPLEMENTERS, "pilot_results_report_overdue", s["results_due"]),
                ("head_a", "pilot_results_report_overdue_escalation", s["results_due"]),
                (IMPLEMENTERS, "pilot_results_report_overdue", s["results_overdue"]),
                ("head_a", "pilot_results_report_overdue_escalation", s["results_overdue"]),
                (IMPLEMENTERS, "pilot_results_report_overdue", s["results_long_overdue"]),
                (
                    ("head_a", "head_top"),
                    "pilot_results_report_overdue_escalation",
                    s["results_long_overdue"],
                ),
                ("head_a", "pilot_evaluation_overdue", s["evaluation_due"]),
                ("head_a", "pilot_evaluation_overdue", s["evaluation_overdue"]),
                ("head_a", "pilot_evaluation_overdue", s["evaluation_long_overdue"]),
                ("head_top", "pilot_evaluation_overdue_escalation", s["evaluation_long_overdue"]),
                (("cadre_a", "inspector", "head_a"), "pilot_action_overdue", s["action_due"]),
                (("cadre_a", "inspector", "head_a"), "pilot_action_overdue", s["action_overdue"]),
                (
                    ("cadre_a", "inspector", "head_a", "head_top"),
                    "pilot_action_overdue",
                    s["action_long_overdue"],
                ),
            ]
        )
    return set()


def logged(day: datetime.date | None = None) -> Counter:
    """(recipient, kind, model, object id) of every ReminderLog row (of `day`), with multiplicity."""
    logs = ReminderLog.objects.all() if day is None else ReminderLog.objects.filter(day=day)
    return Counter(logs.values_list("recipient__username", "kind", "content_type__model", "object_id"))


def notified() -> Counter:
    """(recipient, kind, model, object id) of every pilot reminder notification."""
    sent = Notification.objects.filter(kind__in=PILOT_KINDS)
    return Counter(sent.values_list("recipient__username", "kind", "content_type__model", "object_id"))


def once(expected: set) -> Counter:
    return Counter(expected)


def assert_logs_point_at_their_notifications() -> None:
    for log in ReminderLog.objects.select_related("notification"):
        assert log.notification is not None, log
        notification = log.notification
        assert (notification.recipient_id, notification.kind, notification.object_id) == (
            log.recipient_id,
            log.kind,
            log.object_id,
        )
        assert notification.content_type_id == log.content_type_id


def sweep(day: datetime.date) -> SweepRun:
    with on(day):
        return reminders.sweep(day)


# --- In process: portal.reminders.sweep(day) --------------------------------------------------


def test_the_pilot_provider_and_the_start_job_are_registered_with_the_sweep():
    from pilots.tasks import pilot_reminders, start_due_pilots

    assert pilot_reminders in reminders._providers
    assert start_due_pilots in reminders._jobs


def test_a_sweep_sends_each_due_and_overdue_reminder_once_even_when_run_twice(org):
    s = scenario(org)
    expected = expected_on(DAY, s)
    first, second = sweep(DAY), sweep(DAY)
    assert (first.reminders_sent, second.reminders_sent) == (len(expected), 0)
    assert logged(DAY) == logged() == once(expected)
    assert notified() == once(expected)
    assert_logs_point_at_their_notifications()
    assert SweepRun.objects.filter(day=DAY, finished_at__isnull=False).count() == 2


def test_the_next_working_day_sends_the_overdue_reminders_once_more_and_nothing_due_soon(org):
    s = scenario(org)
    sweep(DAY)
    expected = expected_on(NEXT_WORKING_DAY, s)
    assert [sweep(NEXT_WORKING_DAY).reminders_sent for _ in range(2)] == [len(expected), 0]
    assert logged(NEXT_WORKING_DAY) == once(expected)
    assert notified() == once(expected_on(DAY, s)) + once(expected)
    assert_logs_point_at_their_notifications()


def test_a_weekend_day_sends_nothing(org):
    scenario(org)
    sweep(DAY)
    before = (logged(), notified())
    assert sweep(WEEKEND_DAY).reminders_sent == 0
    assert logged(WEEKEND_DAY) == Counter()
    assert (logged(), notified()) == before


def test_the_parent_units_head_hears_only_after_more_than_5_working_days_overdue(org):
    """Everything due on 13/10 is 5 working days overdue on 20/10 and 6 on 21/10."""
    s = scenario(org)
    due_13 = ("report_overdue", "results_overdue", "evaluation_overdue", "action_overdue")
    assert working_days_between(d(10, 13), d(10, 20)) == 5
    assert working_days_between(d(10, 13), d(10, 21)) == 6

    def of_due_13(day: datetime.date) -> Counter:
        wanted = {(type(s[name]).__name__.lower(), s[name].pk) for name in due_13}
        return Counter({key: n for key, n in logged(day).items() if (key[2], key[3]) in wanted})

    chain = rows(
        [
            (IMPLEMENTERS, "pilot_report_overdue", s["report_overdue"]),
            ("head_a", "pilot_report_overdue_escalation", s["report_overdue"]),
            (IMPLEMENTERS, "pilot_results_report_overdue", s["results_overdue"]),
            ("head_a", "pilot_results_report_overdue_escalation", s["results_overdue"]),
            ("head_a", "pilot_evaluation_overdue", s["evaluation_overdue"]),
            (("cadre_a", "inspector", "head_a"), "pilot_action_overdue", s["action_overdue"]),
        ]
    )
    parent = rows(
        [
            ("head_top", "pilot_report_overdue_escalation", s["report_overdue"]),
            ("head_top", "pilot_results_report_overdue_escalation", s["results_overdue"]),
            ("head_top", "pilot_evaluation_overdue_escalation", s["evaluation_overdue"]),
            ("head_top", "pilot_action_overdue", s["action_overdue"]),
        ]
    )
    sweep(d(10, 20))
    assert of_due_13(d(10, 20)) == once(chain)
    sweep(d(10, 21))
    sweep(d(10, 21))
    assert of_due_13(d(10, 21)) == once(chain | parent)


def test_a_suspended_pilot_gets_no_report_reminders_while_its_twin_does(org):
    s = scenario(org)
    for day in (DAY, NEXT_WORKING_DAY):
        sweep(day)
    reports = {key[3] for key in logged() if key[2] == "progressreport"}
    assert s["report_overdue"].pk in reports
    assert s["suspended_report"].pk not in reports
    assert s["submitted_report"].pk not in reports
    assert not ReminderLog.objects.filter(object_id=s["suspended_report"].pk, kind__startswith="pilot_report")


def test_handing_in_the_report_stops_its_reminders(org):
    s = scenario(org)
    sweep(DAY)
    with on(NEXT_WORKING_DAY):
        services.report_submit(
            actor=person(org, "cadre_a2"), pilot=s["report_overdue"].pilot, period_end=d(10, 6),
            summary="Tháng 9, nộp muộn", progress_percent=25,
        )  # fmt: skip
    sweep(NEXT_WORKING_DAY)
    late = {
        row
        for row in expected_on(NEXT_WORKING_DAY, s)
        if row[2:] == ("progressreport", s["report_overdue"].pk)
    }
    assert late
    assert not set(logged(NEXT_WORKING_DAY)) & late
    assert set(logged(NEXT_WORKING_DAY)) == expected_on(NEXT_WORKING_DAY, s) - late


def test_a_planned_pilot_becomes_active_on_its_start_date_through_the_sweep(org):
    s = scenario(org)
    starting, later = s["starts_on_day"], s["starts_later"]
    sweep(d(10, 14))
    assert Pilot.objects.get(pk=starting.pk).status == "planned"
    sweep(DAY)
    sweep(DAY)
    assert Pilot.objects.get(pk=starting.pk).status == "active"
    assert Pilot.objects.get(pk=later.pk).status == "planned"
    started = PilotTransition.objects.filter(pilot=starting, action="start")
    assert list(started.values_list("from_status", "to_status", "actor__username")) == [
        ("planned", "active", "head_a")
    ]
    assert started.get().at.astimezone(HANOI).date() == DAY
    assert not PilotTransition.objects.filter(pilot=later, action="start").exists()
    # Just started: its first report is a month away, so nothing about it is reminded.
    assert not ReminderLog.objects.filter(
        object_id__in=starting.reports.values("pk"), kind__startswith="pilot_report"
    )
    sweep(d(10, 20))
    assert Pilot.objects.get(pk=later.pk).status == "active"


def test_a_person_who_has_left_is_not_reminded(org):
    """Accounts that are closed get no reminders (heads are filtered so; implementers must be too)."""
    s = scenario(org)
    User.objects.filter(username="cadre_a2").update(is_active=False)
    sweep(DAY)
    assert {key for key in logged() if key[0] == "cadre_a2"} == set()
    assert set(logged()) == {row for row in expected_on(DAY, s) if row[0] != "cadre_a2"}


# --- Through Redis and a real Celery worker ---------------------------------------------------


@pytest.fixture
def sweep_worker(tmp_path):
    """A real worker (no beat: nothing sweeps unless the test asks) on a queue of its own, so no
    other worker takes these tasks and this one takes no one else's."""
    with running_worker(tmp_path, own_queue=True) as started:
        yield started


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_sweeps_run_by_a_real_worker_send_each_reminder_once_and_start_planned_pilots(org, sweep_worker):
    from portal.celery import app
    from portal.tasks import sweep_due

    queue, log_path = sweep_worker
    s = scenario(org)
    # The worker would queue each reminder's e-mail copy on the default queue, which this test's
    # worker does not serve; the reminders themselves are what is checked here.
    User.objects.update(email="")
    app.conf.task_always_eager = False

    def sweep_in_worker(day: datetime.date) -> SweepRun:
        runs_before = SweepRun.objects.filter(day=day, finished_at__isnull=False).count()
        sweep_due.apply_async(args=[day.isoformat()], queue=queue)
        finished = wait_for(
            lambda: SweepRun.objects.filter(day=day, finished_at__isnull=False).count() > runs_before, 90
        )
        assert finished, log_path.read_text()[-4000:]
        return SweepRun.objects.filter(day=day, finished_at__isnull=False).order_by("-started_at").first()

    on_day, on_next = expected_on(DAY, s), expected_on(NEXT_WORKING_DAY, s)
    assert [sweep_in_worker(DAY).reminders_sent for _ in range(2)] == [len(on_day), 0]
    assert logged() == once(on_day)
    assert notified() == once(on_day)
    # The worker's sweep also ran the start job: the pilot planned to start on DAY is active.
    assert Pilot.objects.get(pk=s["starts_on_day"].pk).status == "active"
    assert PilotTransition.objects.filter(pilot=s["starts_on_day"], action="start").count() == 1
    assert Pilot.objects.get(pk=s["starts_later"].pk).status == "planned"

    assert [sweep_in_worker(NEXT_WORKING_DAY).reminders_sent for _ in range(2)] == [len(on_next), 0]
    assert logged(NEXT_WORKING_DAY) == once(on_next)

    assert sweep_in_worker(WEEKEND_DAY).reminders_sent == 0
    assert logged(WEEKEND_DAY) == Counter()

    assert logged() == notified() == once(on_day) + once(on_next)
    assert_logs_point_at_their_notifications()
    assert PilotTransition.objects.filter(pilot=s["starts_on_day"], action="start").count() == 1

    # The runs were the worker's (not in-process) — and nothing else was swept.
    def done_by_worker() -> int:
        lines = log_path.read_text().splitlines()
        return sum("portal.tasks.sweep_due[" in line and "] succeeded in" in line for line in lines)

    assert wait_for(lambda: done_by_worker() == 5, 30), log_path.read_text()[-4000:]
    assert sorted(SweepRun.objects.values_list("day", flat=True)) == sorted(
        [DAY, DAY, NEXT_WORKING_DAY, NEXT_WORKING_DAY, WEEKEND_DAY]
    )

"""Decision reminders (proposals.tasks.decision_reminders) through the daily due sweep.

Art. 8(1): a decision within 7 working days of receipt; Art. 6: shirking it is prohibited. Two
working days before the due date the reviewing head is reminded; once it is overdue, the head
and the parent unit's head on every working day until the decision — each reminder once a day,
however often the sweep runs.

The in-process tests call portal.reminders.sweep() directly and run everywhere; the worker test
sends the sweep through Redis to a real Celery worker against the PostgreSQL test database.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections import Counter

import pytest
import time_machine

from portal import reminders
from portal.models import CalendarDay, Notification, ReminderLog, SweepRun, User
from portal.workdays import add_working_days, is_working_day
from proposals import services
from proposals.models import Proposal
from tests.proposals.conftest import make_proposal
from tests.worker import running_worker, wait_for

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
DAY = datetime.date(2026, 10, 15)  # a Thursday
NEXT_WORKING_DAY = datetime.date(2026, 10, 16)  # Friday
WEEKEND_DAY = datetime.date(2026, 10, 17)  # Saturday
REMINDER_KINDS = ("proposal_due_soon", "proposal_overdue", "proposal_overdue_escalation")


@pytest.fixture
def org(collectives) -> dict[str, User]:
    """The demo organisation and people of shared/CONTRACT.md without the demo proposals, so
    the only proposals in the database are the ones a test builds; the collectives are large
    enough for the votes counted here."""
    return collectives


def submitted_on(author: User, received: datetime.date) -> Proposal:
    """A proposal submitted (received) on `received`: the service computes decision_due."""
    author = User.objects.get(pk=author.pk)  # no role cache from another date
    moment = datetime.datetime.combine(received, datetime.time(9, 30), tzinfo=HANOI)
    with time_machine.travel(moment, tick=False):
        proposal = make_proposal(author, "submitted")
    assert proposal.received_on == received
    return proposal


def decide(proposal: Proposal, head: User) -> Proposal:
    head = User.objects.get(pk=head.pk)
    services.proposal_record_party_opinion(actor=head, proposal=proposal, opinion="Đồng ý.", supports=True)
    return services.proposal_decide(
        actor=head, proposal=proposal, votes_for=3, votes_against=1, head_vote="for", mode="pilot"
    )


def scenario(org) -> dict[str, Proposal]:
    """On DAY: one decision due in exactly 2 working days, one overdue, and some that are not due
    (yet) or no longer need a decision."""
    assert is_working_day(DAY) and is_working_day(NEXT_WORKING_DAY) and not is_working_day(WEEKEND_DAY)
    assert add_working_days(DAY, 1) == NEXT_WORKING_DAY
    cases = {
        # received 8 Oct → due 19 Oct = DAY + 2 working days
        "due_soon": submitted_on(org["cadre_a"], datetime.date(2026, 10, 8)),
        # received 24 Sep → due 5 Oct, before DAY
        "overdue": submitted_on(org["cadre_a"], datetime.date(2026, 9, 24)),
        # received on DAY → due 26 Oct: not due soon on DAY nor on the next working day
        "not_due": submitted_on(org["cadre_a2"], DAY),
        # due on the next working day: between DAY and the due-soon day, so no reminder
        "due_tomorrow": submitted_on(org["cadre_a"], datetime.date(2026, 10, 7)),
        # overdue dates but already decided, or back with the author: nothing to remind
        "decided_late": decide(submitted_on(org["cadre_a2"], datetime.date(2026, 9, 24)), org["head_a"]),
        "withdrawn_late": services.proposal_withdraw(
            actor=org["cadre_a"], proposal=submitted_on(org["cadre_a"], datetime.date(2026, 9, 24))
        ),
    }
    assert cases["due_soon"].decision_due == add_working_days(DAY, 2) == datetime.date(2026, 10, 19)
    assert cases["overdue"].decision_due == datetime.date(2026, 10, 5)
    assert cases["not_due"].decision_due == datetime.date(2026, 10, 26)
    assert cases["due_tomorrow"].decision_due == NEXT_WORKING_DAY
    assert cases["decided_late"].status == Proposal.Status.APPROVED
    for case in cases.values():
        assert case.reviewer_unit.code == "SKHDT"
    return cases


def expected_on(day: datetime.date, cases: dict[str, Proposal]) -> set[tuple[str, str, int]]:
    overdue = {
        ("head_a", "proposal_overdue", cases["overdue"].pk),
        ("head_top", "proposal_overdue_escalation", cases["overdue"].pk),
    }
    if day == DAY:
        return {("head_a", "proposal_due_soon", cases["due_soon"].pk), *overdue}
    if day == NEXT_WORKING_DAY:
        return overdue
    return set()


def logged(day: datetime.date | None = None) -> Counter:
    """(recipient, kind, proposal id) of every ReminderLog row (of `day`), with multiplicity."""
    rows = ReminderLog.objects.all() if day is None else ReminderLog.objects.filter(day=day)
    return Counter(rows.values_list("recipient__username", "kind", "object_id"))


def notified() -> Counter:
    """(recipient, kind, proposal id) of every reminder notification, with multiplicity."""
    rows = Notification.objects.filter(kind__in=REMINDER_KINDS)
    assert {row.content_type.model for row in rows} <= {"proposal"}
    return Counter(rows.values_list("recipient__username", "kind", "object_id"))


def once(expected: set) -> Counter:
    return Counter(expected)


def assert_logs_point_at_their_notifications() -> None:
    for log in ReminderLog.objects.select_related("notification", "recipient"):
        assert log.notification is not None, log
        assert (log.notification.recipient_id, log.notification.kind, log.notification.object_id) == (
            log.recipient_id,
            log.kind,
            log.object_id,
        )


# --- In process: portal.reminders.sweep(day) ------------------------------------------------


def test_the_decision_provider_is_registered_with_the_sweep():
    from proposals.tasks import decision_reminders

    assert decision_reminders in reminders._providers


def test_a_sweep_sends_the_due_soon_and_overdue_reminders_once_even_when_run_twice(org):
    cases = scenario(org)
    first = reminders.sweep(DAY)
    second = reminders.sweep(DAY)
    assert (first.reminders_sent, second.reminders_sent) == (3, 0)
    assert logged(DAY) == logged() == once(expected_on(DAY, cases))
    assert notified() == once(expected_on(DAY, cases))
    assert_logs_point_at_their_notifications()
    assert SweepRun.objects.filter(day=DAY, finished_at__isnull=False).count() == 2


def test_the_next_working_day_repeats_only_the_overdue_reminders_once(org):
    cases = scenario(org)
    reminders.sweep(DAY)
    sent = [reminders.sweep(NEXT_WORKING_DAY).reminders_sent for _ in range(2)]
    assert sent == [2, 0]
    assert logged(NEXT_WORKING_DAY) == once(expected_on(NEXT_WORKING_DAY, cases))
    assert notified() == once(expected_on(DAY, cases)) + once(expected_on(NEXT_WORKING_DAY, cases))
    assert_logs_point_at_their_notifications()


def test_a_weekend_day_sends_nothing(org):
    scenario(org)
    reminders.sweep(DAY)
    before = (logged(), notified())
    assert reminders.sweep(WEEKEND_DAY).reminders_sent == 0
    assert logged(WEEKEND_DAY) == Counter()
    assert (logged(), notified()) == before


def test_an_administrators_day_off_sends_nothing(org):
    cases = scenario(org)
    CalendarDay.objects.create(date=NEXT_WORKING_DAY, kind=CalendarDay.Kind.DAY_OFF, name="Nghỉ bù")
    assert reminders.sweep(NEXT_WORKING_DAY).reminders_sent == 0
    assert logged() == Counter()
    # The Monday after is a working day again: both decisions due before it are overdue (the one
    # due on the day off included: its stored due date does not move), the one due that Monday
    # is not yet.
    monday = datetime.date(2026, 10, 19)
    assert reminders.sweep(monday).reminders_sent == 4
    assert logged(monday) == once(
        {
            (recipient, kind, cases[name].pk)
            for name in ("overdue", "due_tomorrow")
            for recipient, kind in (
                ("head_a", "proposal_overdue"),
                ("head_top", "proposal_overdue_escalation"),
            )
        }
    )


def test_a_decision_stops_the_reminders(org):
    cases = scenario(org)
    reminders.sweep(DAY)
    decide(cases["overdue"], org["head_a"])
    assert reminders.sweep(NEXT_WORKING_DAY).reminders_sent == 0


def test_a_heads_own_overdue_proposal_reminds_the_parent_head_without_escalating_above_the_root(org):
    """head_a's proposal goes to UBND (Art. 7(4)); UBND is the root, so there is nobody above."""
    proposal = make_proposal(org["head_a"], "submitted")
    assert proposal.reviewer_unit.code == "UBND"
    proposal.received_on = datetime.date(2026, 9, 24)
    proposal.decision_due = datetime.date(2026, 10, 5)
    proposal.save()
    assert reminders.sweep(DAY).reminders_sent == 1
    assert logged() == once({("head_top", "proposal_overdue", proposal.pk)})


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
def test_sweeps_run_by_a_real_worker_send_each_reminder_once(org, sweep_worker):
    from portal.celery import app
    from portal.tasks import sweep_due

    queue, log_path = sweep_worker
    cases = scenario(org)
    # The worker would queue each reminder's e-mail copy on the default queue, which this test's
    # worker does not serve; the reminders themselves are what is checked here.
    User.objects.filter(username__in=["head_a", "head_top"]).update(email="")
    app.conf.task_always_eager = False

    def sweep_in_worker(day: datetime.date) -> SweepRun:
        runs_before = SweepRun.objects.filter(day=day, finished_at__isnull=False).count()
        sweep_due.apply_async(args=[day.isoformat()], queue=queue)
        finished = wait_for(
            lambda: SweepRun.objects.filter(day=day, finished_at__isnull=False).count() > runs_before, 90
        )
        assert finished, log_path.read_text()[-4000:]
        return SweepRun.objects.filter(day=day, finished_at__isnull=False).order_by("-started_at").first()

    assert [sweep_in_worker(DAY).reminders_sent for _ in range(2)] == [3, 0]
    assert logged() == once(expected_on(DAY, cases))
    assert notified() == once(expected_on(DAY, cases))

    assert [sweep_in_worker(NEXT_WORKING_DAY).reminders_sent for _ in range(2)] == [2, 0]
    assert logged(NEXT_WORKING_DAY) == once(expected_on(NEXT_WORKING_DAY, cases))

    assert sweep_in_worker(WEEKEND_DAY).reminders_sent == 0
    assert logged(WEEKEND_DAY) == Counter()

    everything = once(expected_on(DAY, cases)) + once(expected_on(NEXT_WORKING_DAY, cases))
    assert logged() == everything
    assert notified() == everything
    assert_logs_point_at_their_notifications()

    # The runs were the worker's (not in-process) — and nothing else was swept.
    def done_by_worker() -> int:
        lines = log_path.read_text().splitlines()
        return sum("portal.tasks.sweep_due[" in line and "] succeeded in" in line for line in lines)

    assert wait_for(lambda: done_by_worker() == 5, 30), log_path.read_text()[-4000:]
    assert sorted(SweepRun.objects.values_list("day", flat=True)) == sorted(
        [DAY, DAY, NEXT_WORKING_DAY, NEXT_WORKING_DAY, WEEKEND_DAY]
    )

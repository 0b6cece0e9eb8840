"""One innovation proposal's whole life, walked through the web pages by the demo personas: cadre_a
drafts and submits it; head_a records the Party opinion and the collective's vote (deputy_a reads
it in the minutes) and sets up the pilot, begun two months ago so that periods are due; cadre_a
reports, head_a accepts, the inspector inspects; cadre_a completes and reports results; head_a
evaluates "not completed" with damage, which opens a case: head_a determines, head_top decides
relief, cadre_a explains; orgcom sees it counted in UBND's report; admin reads its record.
After each step: the status badge (the models' Vietnamese labels), the success alert, the next
action there and the one done gone; "Việc của tôi" lists what waits. Screenshots in
tests/e2e/artifacts/lifecycle_<NN>_<persona>_<step>.png."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from accountability.models import Case
from accountability.views import DONE as CASE_DONE
from pilots.models import Pilot, ProgressReport
from pilots.views import DONE as PILOT_DONE
from portal.models import User
from portal.voting import Ballot
from proposals.models import Proposal
from proposals.views import DONE_MESSAGES as PROPOSAL_DONE
from tests.e2e.conftest import sign_in
from tests.e2e.test_keyboard import PLAN

TITLE = "Liên thông cấp phép đầu tư trong khu công nghiệp — hành trình đầy đủ"


@pytest.fixture
def portal(transactional_db, live_server, settings, tmp_path):
    # Seeded before Playwright starts: Django refuses database calls inside its event loop.
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--force", "--organisation-only", verbosity=0)
    with translation.override("vi"):
        labels = {
            "proposal": {code: str(label) for code, label in Proposal.Status.choices},
            "pilot": {code: str(label) for code, label in Pilot.Status.choices},
            "outcome": {code: str(label) for code, label in Pilot.Outcome.choices},
            "report": {code: str(label) for code, label in ProgressReport.Status.choices},
            "case": {code: str(label) for code, label in [*Case.Status.choices, *Case.Result.choices]},
            "for": str(Ballot.FOR.label),
            "section": {  # the sections of "Việc của tôi"
                "decisions": translation.gettext("Waiting for my decision"),
                "reports_due": translation.gettext("Progress reports due"),
                "to_review": translation.gettext("Progress reports to review"),
                "to_evaluate": translation.gettext("Pilots waiting for results or evaluation"),
            },
            # the success alert of each step, as the views word it
            "done": {
                "draft": translation.gettext("The draft is saved."),
                "pilot": translation.gettext("The pilot is set up."),
                **{f"proposal/{action}": str(text) for action, text in PROPOSAL_DONE.items()},
                **{f"pilot/{action}": str(text) for action, text in PILOT_DONE.items()},
                **{f"case/{action}": str(text) for action, text in CASE_DONE.items()},
            },
        }
    names = dict(User.objects.values_list("username", "full_name"))
    return live_server, labels, names


def expect(target):
    """Playwright's expect, imported when a journey runs (as the neighbouring tests do)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


class Journey:
    """The browser, the server, the labels, and the numbered screenshots taken so far."""

    def __init__(self, page, server, labels, names, artifacts):
        self.page, self.url, self.labels, self.names = page, server.url, labels, names
        self.server, self.folder, self.shots = server, artifacts, []
        self.proposal = self.pilot = self.case = None
        self.dialogs = []  # every "are you sure" of an irreversible step, accepted as a person would
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.accept()))
        for old in artifacts.glob("lifecycle_*.png"):
            old.unlink()

    def as_(self, persona: str) -> None:
        sign_in(self.page, self.server, persona)

    def go(self, path: str) -> None:
        self.page.goto(f"{self.url}{path}")

    def shot(self, persona: str, step: str) -> None:
        path = self.folder / f"lifecycle_{len(self.shots) + 1:02d}_{persona}_{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.shots.append(path)

    def done(self, step: str) -> None:
        """The success alert of the step just taken."""
        expect(self.page.locator(".alert-success")).to_contain_text(self.labels["done"][step])

    def status(self, kind: str, code: str) -> None:
        """The status badge shows the state, by its Vietnamese label."""
        selector = {"proposal": ".badge.status-", "pilot": ".badge.pilot-"}[kind]
        expect(self.page.locator(f"main {selector}{code}")).to_have_text(self.labels[kind][code])

    def waiting_at_home(self, section: str, path: str) -> None:
        """ "Việc của tôi" lists the item in the section where it waits for the person signed in."""
        self.go("/")
        title = self.labels["section"][section]
        card = self.page.locator("main section.card", has=self.page.locator(".card-header", has_text=title))
        expect(card.locator(f'a[href^="{path}"]').first).to_be_visible()


def cadre_drafts_and_submits(j: Journey) -> None:
    page = j.page
    j.as_("cadre_a")
    j.go("/proposals/new/")
    page.fill("#id_title", TITLE)
    page.click('button[name="save"]')
    page.wait_for_url(re.compile(r"/proposals/\d+/edit/$"))
    j.done("draft")
    j.proposal = int(re.search(r"/proposals/(\d+)/", page.url).group(1))
    expect(page.locator('button[name="submit"]')).to_be_visible()  # next: check before submitting
    j.shot("cadre_a", "draft_saved")

    for name, value in PLAN.items():
        page.fill(f"#id_{name}", value)
    page.select_option("#id_gap_kind", "unregulated")
    page.check("#id_conditions_confirmed")
    page.click('button[name="submit"]')
    expect(page).to_have_url(f"{j.url}/proposals/{j.proposal}/check/")
    expect(page.locator('[data-testid="error-summary"]')).to_have_count(0)
    expect(page.locator('[data-testid="answers"]').first).to_contain_text(PLAN["necessity"])
    j.shot("cadre_a", "check_answers")

    page.click('[data-testid="submit"]')
    expect(page).to_have_url(f"{j.url}/proposals/{j.proposal}/")
    j.done("proposal/submit")
    j.status("proposal", "submitted")
    expect(page.locator('[data-action="submit"]')).to_have_count(0)
    expect(page.locator(f'a[href="/proposals/{j.proposal}/edit/"]')).to_have_count(0)
    expect(page.locator('form[data-action="withdraw"]')).to_be_visible()  # still hers to withdraw
    j.shot("cadre_a", "submitted")


def head_decides(j: Journey) -> None:
    page = j.page
    j.as_("head_a")
    j.waiting_at_home("decisions", f"/proposals/{j.proposal}/")
    j.shot("head_a", "home_decision_waiting")
    j.go(f"/proposals/{j.proposal}/")
    j.status("proposal", "submitted")
    expect(page.locator('[data-testid="vote-waits"]')).to_be_visible()  # no vote before the Party
    expect(page.locator('form[data-action="decide"]')).to_have_count(0)
    form = page.locator('form[data-action="party-opinion"]')
    form.locator('textarea[name="opinion"]').fill("Chi bộ Sở thống nhất chủ trương thí điểm.")
    form.locator('select[name="supports"]').select_option("true")
    form.locator("button[type=submit]").click()
    j.done("proposal/party-opinion")
    expect(page.locator('form[data-action="party-opinion"]')).to_have_count(0)
    expect(page.locator('[data-testid="vote-waits"]')).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Chi bộ Sở thống nhất chủ trương thí điểm.")
    j.shot("head_a", "party_opinion")

    form = page.locator('form[data-action="decide"]')
    expect(form.locator('select[name="vote__cadre_a"]')).to_have_count(0)  # the author never votes
    form.locator('select[name="vote__head_a"]').select_option("for")
    form.locator('select[name="vote__deputy_a"]').select_option("for")
    form.locator('select[name="mode"]').select_option("pilot")
    form.locator('textarea[name="support_granted"]').fill("Hai cán bộ và kinh phí 150 triệu đồng.")
    form.locator("button[type=submit]").click()  # the consequence is asked again: accepted
    j.done("proposal/decide")
    j.status("proposal", "approved")
    expect(page.locator('[data-testid="minutes"]')).to_contain_text(j.names["deputy_a"])
    expect(page.locator('[data-testid="actions"]')).to_have_count(0)
    expect(page.locator(f'a[href="/pilots/new/{j.proposal}/"]')).to_be_visible()
    j.shot("head_a", "approved_by_vote")


def head_sets_up_the_pilot(j: Journey) -> None:
    page, today = j.page, timezone.localdate()
    page.click(f'a[href="/pilots/new/{j.proposal}/"]')
    page.fill("#id_start_date", (today - datetime.timedelta(days=61)).strftime("%d/%m/%Y"))
    page.fill("#id_end_date", (today + datetime.timedelta(days=120)).strftime("%d/%m/%Y"))
    page.select_option("#id_report_frequency", "monthly")
    box = page.locator("#id_implementers")
    for typed, username in (("pham minh", "cadre_a"), ("dung", "cadre_a2")):
        box.press_sequentially(typed, delay=40)
        page.locator(f'#id_implementers_results [data-pick="{username}"]').click()
        expect(page.locator(f'[data-picked] input[value="{username}"]')).to_be_checked()
    page.fill("#id_indicators-0-name", "Thời gian xử lý hồ sơ")
    page.fill("#id_indicators-0-unit", "ngày")
    page.fill("#id_indicators-0-baseline", "45")
    page.fill("#id_indicators-0-target", "15")
    j.shot("head_a", "pilot_form")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/pilots/\d+/$"))
    j.done("pilot")
    j.pilot = int(re.search(r"/pilots/(\d+)/", page.url).group(1))
    j.status("pilot", "active")  # begun two months ago: active at once
    expect(page.locator("main")).to_contain_text(j.names["cadre_a2"])
    expect(page.locator('details[data-action="suspend"]')).to_have_count(1)  # the head directs it
    expect(page.locator('details[data-action="report"]')).to_have_count(0)  # but does not report
    j.shot("head_a", "pilot_active")


def deputy_reads_the_vote(j: Journey) -> None:
    j.as_("deputy_a")
    j.go(f"/proposals/{j.proposal}/")
    j.status("proposal", "approved")
    row = j.page.locator('[data-testid="minutes"] tr', has_text=j.names["deputy_a"])
    expect(row).to_contain_text(j.labels["for"])
    expect(j.page.locator(f'a[href="/pilots/{j.pilot}/"]')).to_be_visible()
    j.shot("deputy_a", "vote_minutes")


def cadre_reports_progress(j: Journey) -> None:
    page = j.page
    j.as_("cadre_a")
    j.waiting_at_home("reports_due", f"/pilots/{j.pilot}/")
    j.shot("cadre_a", "home_report_due")
    j.go(f"/pilots/{j.pilot}/")
    form = page.locator('details[data-action="report"]')
    form.locator("summary").click()
    form.locator('select[name="period_end"]').select_option(index=0)  # the earliest period due
    form.locator('input[name="progress_percent"]').fill("40")
    form.locator('textarea[name="summary"]').fill("Đã ban hành quy trình liên thông; 12 hồ sơ đầu tiên.")
    form.locator('input[name="spending_vnd"]').fill("30000000")
    form.locator("input[name^=indicator_]").first.fill("30")
    form.locator("button[type=submit]").click()
    j.done("pilot/report")
    expect(page.locator('[data-testid="progress"]')).to_have_attribute("aria-valuenow", "40")
    row = page.locator('[data-testid="reports"] tbody tr', has_text="12 hồ sơ đầu tiên")
    expect(row).to_contain_text(j.labels["report"]["submitted"])
    j.shot("cadre_a", "report_submitted")


def head_accepts_the_report(j: Journey) -> None:
    page = j.page
    j.as_("head_a")
    j.waiting_at_home("to_review", f"/pilots/{j.pilot}/")
    j.go(f"/pilots/{j.pilot}/")
    panel = page.locator('[data-testid="review-panel"]')
    panel.locator('select[name="accept"]').select_option("true")
    panel.locator('textarea[name="note"]').fill("Báo cáo đầy đủ, đúng tiến độ.")
    panel.locator("button[type=submit]").click()
    j.done("pilot/review")
    expect(page.locator('[data-testid="review-panel"]')).to_have_count(0)
    row = page.locator('[data-testid="reports"] tbody tr', has_text="12 hồ sơ đầu tiên")
    expect(row).to_contain_text(j.labels["report"]["accepted"])
    j.shot("head_a", "report_accepted")


def inspector_inspects(j: Journey) -> None:
    page = j.page
    j.as_("inspector")
    j.go(f"/pilots/{j.pilot}/")
    form = page.locator('details[data-action="inspect"]')
    form.locator("summary").click()
    form.locator('textarea[name="findings"]').fill("Sổ theo dõi hồ sơ liên thông chưa ghi ngày nhận.")
    form.locator('select[name="severity"]').select_option("minor")
    form.locator('textarea[name="corrective_actions"]').fill("Bổ sung cột ngày nhận vào sổ theo dõi.")
    due = timezone.localdate() + datetime.timedelta(days=14)
    form.locator('input[name="due_date"]').fill(due.strftime("%d/%m/%Y"))
    form.locator("button[type=submit]").click()
    j.done("pilot/inspect")
    expect(page.locator("main")).to_contain_text("Sổ theo dõi hồ sơ liên thông chưa ghi ngày nhận.")
    expect(page.locator(f'form[action="/pilots/{j.pilot}/close-action/"]')).to_be_visible()  # to follow up
    j.status("pilot", "active")
    j.shot("inspector", "inspection")


def cadre_completes_and_reports_results(j: Journey) -> None:
    page = j.page
    j.as_("cadre_a")
    j.go(f"/pilots/{j.pilot}/")
    page.locator('details[data-action="complete"] summary').click()
    page.locator('details[data-action="complete"] button[type=submit]').click()  # confirmed
    j.done("pilot/complete")
    j.status("pilot", "completed")
    expect(page.locator('details[data-action="complete"]')).to_have_count(0)
    expect(page.locator('details[data-action="report"]')).to_have_count(0)
    j.shot("cadre_a", "completion_declared")

    form = page.locator('details[data-action="results-report"]')
    form.locator("summary").click()
    form.locator('textarea[name="summary"]').fill("Thời gian xử lý giảm còn 30 ngày, chưa đạt mục tiêu.")
    form.locator("input[name^=indicator_]").first.fill("30")
    form.locator("button[type=submit]").click()
    j.done("pilot/results-report")
    j.status("pilot", "under_evaluation")
    expect(page.locator('details[data-action="results-report"]')).to_have_count(0)
    j.shot("cadre_a", "results_report")


def head_evaluates(j: Journey) -> None:
    page = j.page
    j.as_("head_a")
    j.waiting_at_home("to_evaluate", f"/pilots/{j.pilot}/")
    j.go(f"/pilots/{j.pilot}/")
    form = page.locator('details[data-action="evaluate"]')
    form.locator("summary").click()
    form.locator('textarea[name="party_opinion"]').fill("Chi bộ Sở đề nghị xem xét trách nhiệm khách quan.")
    form.locator('select[name="outcome"]').select_option("not_completed")
    form.locator('input[name="damage"]').check()
    form.locator('input[name="damage_vnd"]').fill("20000000")
    form.locator('textarea[name="objective_causes"]').fill("Phần mềm hai bên chưa liên thông.")
    form.locator('textarea[name="subjective_causes"]').fill("Khảo sát ban đầu chưa đầy đủ.")
    form.locator('select[name="vote__head_a"]').select_option("for")
    form.locator('select[name="vote__deputy_a"]').select_option("for")
    form.locator("input[name^=indicator_]").first.fill("30")
    form.locator("button[type=submit]").click()
    j.done("pilot/evaluate")
    j.status("pilot", "evaluated")
    expect(page.locator("main .badge", has_text=j.labels["outcome"]["not_completed"]).first).to_be_visible()
    expect(page.locator('details[data-action="evaluate"]')).to_have_count(0)
    case = page.locator('main a[href^="/cases/"]', has_text=j.labels["case"]["open"])
    expect(case).to_be_visible()  # the evaluation opened the outcome case
    j.shot("head_a", "evaluated")
    case.click()
    j.case = int(re.search(r"/cases/(\d+)/", page.url).group(1))


def the_case_is_decided(j: Journey) -> None:
    page, status = j.page, j.page.locator('[data-testid="case-status"]')
    expect(status).to_have_text(j.labels["case"]["open"])
    form = page.locator('form[data-action="determine"]')
    form.locator('textarea[name="objective_causes"]').fill("Phần mềm hai bên chưa liên thông.")
    form.locator('textarea[name="subjective_causes"]').fill("Khảo sát ban đầu chưa đầy đủ.")
    for question in ("acted_per_policy", "pure_motive", "common_good"):
        form.locator(f'select[name="{question}"]').select_option("yes")
    form.locator("button[type=submit]").click()
    j.done("case/determine")
    expect(status).to_have_text(j.labels["case"]["relief_recommended"])
    expect(page.locator('form[data-action="determine"]')).to_have_count(0)
    expect(page.locator('form[data-action="relief"]')).to_have_count(0)  # not hers to decide
    j.shot("head_a", "case_determined")

    j.as_("head_top")
    j.go(f"/cases/{j.case}/")
    form = page.locator('form[data-action="relief"]')
    form.locator('select[name="decision"]').select_option("exempted")
    form.locator('textarea[name="basis"]').fill("Điều 11 Nghị định 73/2023/NĐ-CP: đủ ba điều kiện.")
    form.locator("button[type=submit]").click()
    j.done("case/relief")
    expect(status).to_have_text(j.labels["case"]["decided"])
    expect(page.locator('[data-testid="case-result"]')).to_have_text(j.labels["case"]["exempted"])
    expect(page.locator('form[data-action="relief"]')).to_have_count(0)
    j.shot("head_top", "relief_decided")

    j.as_("cadre_a")
    j.go(f"/cases/{j.case}/")
    expect(page.locator('[data-testid="case-result"]')).to_have_text(j.labels["case"]["exempted"])
    form = page.locator('form[data-action="explanation"]')
    form.locator('textarea[name="text"]').fill("Tôi xin giải trình thêm về việc liên thông phần mềm.")
    form.locator("button[type=submit]").click()
    j.done("case/explanation")
    explanations = page.locator('[data-testid="explanations"]')
    expect(explanations).to_contain_text("Tôi xin giải trình thêm về việc liên thông phần mềm.")
    j.shot("cadre_a", "case_explained")


def orgcom_sees_it_counted(j: Journey) -> None:
    page = j.page
    j.as_("orgcom")
    j.go("/reports/")
    form = page.locator('[data-testid="report-filter"]')
    form.locator('input[name="unit"]').fill("UBND")
    form.locator('select[name="period"]').select_option("half")  # this half-year: today is in it
    form.locator("button[type=submit]").click()
    approved = page.locator('a[data-figure="proposals.by_status.approved"]')
    expect(approved).to_have_text("1")
    expect(page.locator('a[data-figure="pilots.by_status.evaluated"]')).to_have_text("1")
    expect(page.locator('[data-testid="snapshots"]')).to_be_visible()  # frozen reports: listed only
    j.shot("orgcom", "report")
    approved.click()
    expect(page.locator('[data-testid="drill-count"]')).to_have_text("1")
    expect(page.locator('[data-testid="drill-rows"] tbody tr')).to_contain_text(TITLE)
    j.shot("orgcom", "report_drilldown")


def admin_reads_the_record(j: Journey) -> None:
    page = j.page
    j.as_("admin")
    j.go("/organisation/")
    expect(page.locator("main h1")).to_be_visible()
    j.shot("admin", "organisation")
    j.go("/admin/proposals/proposal/")
    page.locator(f'a[href="/admin/proposals/proposal/{j.proposal}/change/"]').click()
    expect(page.locator("#content")).to_contain_text(TITLE)
    expect(page.locator('input[type=submit][name="_save"]')).to_have_count(0)  # read-only
    j.shot("admin", "proposal_read_only")
    j.go(f"/admin/proposals/proposal/{j.proposal}/history/")
    expect(page.locator("#content table tbody tr").first).to_be_visible()
    expect(page.locator("#content thead")).to_contain_text("Lý do thay đổi")  # simple-history, in Vietnamese
    j.shot("admin", "proposal_history")  # and no inline style refused by the CSP (the harness checks)


@pytest.mark.e2e
def test_a_proposal_lives_from_draft_to_relief_through_the_pages(portal, browser_page, artifacts):
    server, labels, names = portal
    journey = Journey(browser_page, server, labels, names, artifacts)
    cadre_drafts_and_submits(journey)
    head_decides(journey)
    head_sets_up_the_pilot(journey)
    deputy_reads_the_vote(journey)
    cadre_reports_progress(journey)
    head_accepts_the_report(journey)
    inspector_inspects(journey)
    cadre_completes_and_reports_results(journey)
    head_evaluates(journey)
    the_case_is_decided(journey)
    orgcom_sees_it_counted(journey)
    admin_reads_the_record(journey)
    # the submission, the vote, completion, results, evaluation
    assert len(journey.dialogs) == 5, journey.dialogs
    assert len(journey.shots) == 24
    for shot in journey.shots:
        assert shot.stat().st_size > 10_000, shot.name

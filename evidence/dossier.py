"""The dossier of a proposal ("Hồ sơ đề xuất", DOMAIN §5): its whole record gathered for one PDF,
as the reader may see it — the plan as submitted and as each returned version was resubmitted,
receipt and deadline, the Party opinion, the vote or the head's override, the decision; the pilot's
plan and each adjustment against the baseline, reports, inspections and corrective actions,
directives, the results report and the evaluation; each case the reader may see with its steps
and the subject's explanations; rewards and models; every attachment with its SHA-256; every step
with who and when; and the fingerprint of the audit chain it was drawn from."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability import evidence as case_evidence
from accountability.models import Case
from accountability.permissions import hidden_actor_id, sees_reporter
from pilots.views import plan_rows, readable
from portal import audit, voting
from portal.models import User
from proposals.models import Proposal
from recognition.models import Reward
from replication.models import InnovationModel, Institutionalisation

PLAN = ("title", "necessity", "gap_kind", "legal_basis", "solution", "scope", "start_date", "end_date",
        "resources", "budget_vnd", "feasibility", "impact_positive", "impact_negative", "expected_results",
        "risks", "conflict_of_interest")  # fmt: skip


@dataclass(frozen=True)
class Step:
    at: object
    what: str
    action: str
    change: str
    who: str
    note: str


def _plan(record) -> list[tuple[str, object, str]]:
    """(field, label, value) of a proposal's plan, as recorded at one moment."""
    found = []
    for name in PLAN:
        field = Proposal._meta.get_field(name)
        value = getattr(record, name)
        if field.choices:
            value = dict(field.flatchoices).get(value, value)
        found.append((name, str(field.verbose_name), value))
    return found


def submitted_versions(proposal: Proposal) -> list[dict]:
    """The plan at each submission: the first in full, each later one with what it changed."""
    records = list(proposal.history.order_by("history_date", "history_id"))
    versions, before = [], None
    for previous, record in zip([None, *records], records, strict=False):
        if record.status == Proposal.Status.SUBMITTED and (
            previous is None or previous.status != record.status
        ):
            rows = _plan(record)
            changed = {name for name, _label, value in rows if before and before.get(name) != value}
            versions.append({"number": len(versions) + 1, "at": record.history_date, "rows": rows,
                             "changed": changed, "first": before is None})  # fmt: skip
            before = {name: value for name, _label, value in rows}
    return versions


def _transitions(steps, what: str, hidden: int | None = None, sees_opener: bool = True) -> list[Step]:
    """The transitions of one object as dossier steps (whose name the reader may not see: "—")."""
    found = []
    for t in steps:
        unseen = (t.action == "open" and not sees_opener) or (hidden is not None and t.actor_id == hidden)
        change = f"{t.get_from_status_display()} → {t.get_to_status_display()}"
        found.append(Step(t.at, what, t.action, change, "—" if unseen else t.actor.full_name, t.text))
    return found


def _steps(proposal: Proposal, pilot, cases: list[dict], models: list) -> list[Step]:
    steps = _transitions(proposal.transitions.select_related("actor"), _("Proposal"))
    if pilot is not None:
        steps += _transitions(pilot.transitions.select_related("actor"), _("Pilot"))
    for entry in cases:
        steps += _transitions(entry["timeline"], entry["case"].get_kind_display(), entry["hidden"],
                              entry["sees_reporter"])  # fmt: skip
    for model in models:
        for item in model.institutionalisations.all():
            steps += _transitions(item.transitions.select_related("actor"), _("Institutionalisation"))
    return sorted(steps, key=lambda step: step.at)


def _case(reader: User, case: Case) -> dict:
    hidden = hidden_actor_id(reader, case)
    reviews = [(r, "—" if hidden is not None and r.inspector_id == hidden else r.inspector.full_name)
               for r in case.reviews.select_related("inspector")]  # fmt: skip
    return {
        "case": case, "hidden": hidden, "sees_reporter": sees_reporter(reader, case),
        "timeline": list(case.transitions.select_related("actor")), "reviews": reviews,
        "explanations": list(case.explanations.select_related("author").prefetch_related("attachments")),
    }  # fmt: skip


def _attachments(
    proposal: Proposal, pilot, cases: list[dict], rewards: list, models: list
) -> list[tuple[str, object]]:
    found = [(_("Proposal"), a) for a in proposal.attachments.select_related("uploaded_by")]
    if pilot is not None:
        found += [(_("Pilot"), a) for a in pilot.attachments.select_related("uploaded_by")]
    for entry in cases:
        # a case's files, the subject's explanations' included
        found += [
            (entry["case"].get_kind_display(), a)
            for a in entry["case"].attachments.select_related("uploaded_by")
        ]
    for reward in rewards:
        found += [(reward.get_kind_display(), a) for a in reward.attachments.select_related("uploaded_by")]
    for model in models:
        found += [(_("Model"), a) for a in model.attachments.select_related("uploaded_by")]
    return found


def _changes(version, baseline) -> list[dict]:
    return [{**change, "before_text": readable(change["before"]), "after_text": readable(change["after"])}
            for change in version.changes_from(baseline)]  # fmt: skip


def gather(proposal: Proposal, reader: User) -> dict:
    """Everything the dossier prints, for `reader` (who may see the proposal)."""
    pilot = getattr(proposal, "pilot", None)
    transitions = list(proposal.transitions.select_related("actor"))
    decision = next((t for t in reversed(transitions) if t.action == "decide"), None)
    cases = [
        _case(reader, case)
        for case in Case.objects.visible_to(reader).filter(proposal=proposal).order_by("opened_at")
    ]
    rewards = list(Reward.objects.filter(pilot=pilot).select_related("cadre")) if pilot else []
    models = (
        list(InnovationModel.objects.filter(pilot=pilot).prefetch_related("institutionalisations"))
        if pilot
        else []
    )
    versions = list(pilot.versions.all()) if pilot else []
    fingerprint, length = audit.fingerprint(proposal.pk)
    return {
        "proposal": proposal, "versions": submitted_versions(proposal),
        "returns": [t for t in transitions if t.action == "return"],
        "override": next((t for t in reversed(transitions) if t.action == "override"), None),
        "minutes": voting.minutes_view(decision.params.get("minutes")) if decision else None,
        "pilot": pilot,
        "baseline": plan_rows(versions[0]) if versions else [],
        "adjustments": [{"version": v, "changes": _changes(v, versions[0])} for v in versions[1:]],
        "reports": list(pilot.reports.all()) if pilot else [],
        "inspections": list(pilot.inspections.select_related("inspector")) if pilot else [],
        "corrective_actions": case_evidence.corrective_actions(pilot) if pilot else [],
        "directives": case_evidence.directives(pilot) if pilot else [],
        "cases": cases, "rewards": rewards, "models": models,
        "institutionalisations": list(Institutionalisation.objects.filter(model__in=models)),
        "attachments": _attachments(proposal, pilot, cases, rewards, models),
        "steps": _steps(proposal, pilot, cases, models),
        "fingerprint": fingerprint, "length": length, "made_at": timezone.localtime(), "reader": reader,
        "verify_url": f"{settings.PORTAL_BASE_URL.rstrip('/')}{reverse('evidence-verify')}",
    }  # fmt: skip

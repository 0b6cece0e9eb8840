"""The model library: publishing a completed pilot as a model, adopting it as one's own draft
proposal, and institutionalisation (proposed → drafting → issued, or dropped) on the workflow
helper, with history, transition rows and notifications to the model's unit."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilots.models import Pilot
from portal.errors import IncompleteInput, InvalidTransition
from portal.filetypes import store_upload
from portal.models import RoleAssignment, User
from portal.text import plain_number
from portal.workflow import Workflow, ensure, required_text, tell
from proposals import services as proposal_services
from proposals.models import Proposal
from replication import permissions
from replication.models import InnovationModel, Institutionalisation, ModelAttachment

ADVANCE_RULE = (
    permissions.may_advance,
    gettext_lazy(
        "Only Organisation Committee staff covering the unit, or a head above it, move this forward."
    ),
)
FLOW = Workflow(
    model=Institutionalisation,
    rules={"draft": ADVANCE_RULE, "issue": ADVANCE_RULE, "drop": ADVANCE_RULE},
    related=("model__unit",),
    refused=gettext_lazy("This step is not allowed while the institutionalisation is “%(status)s”."),
)
STAGE_ACTIONS = {"drafting": "draft", "issued": "issue", "dropped": "drop"}
# What an adoption copies from the original proposal (not its dates, budget or declarations).
ADOPTED_FIELDS = (
    "title", "necessity", "gap_kind", "legal_basis", "solution", "scope", "resources", "feasibility",
    "impact_positive", "impact_negative", "expected_results", "risks",
)  # fmt: skip


def check_publish(*, actor: User, pilot: Pilot) -> None:
    ensure(
        permissions.can_publish(actor, pilot),
        _("Only the head of the approving unit or Organisation Committee staff publish a model."),
    )
    if not (pilot.status == Pilot.Status.EVALUATED and pilot.outcome == Pilot.Outcome.COMPLETED):
        raise InvalidTransition(_("Only a pilot evaluated as completed is published as a model."))
    if InnovationModel.objects.filter(pilot=pilot).exists():
        raise InvalidTransition(_("This pilot is already published as a model."))


@transaction.atomic
def model_publish(
    *, actor: User, pilot: Pilot, summary: str, conditions: str, field: str = InnovationModel.Field.OTHER
) -> InnovationModel:
    pilot = (
        Pilot.objects.select_for_update(of=("self",))
        .select_related("proposal", "unit", "directing_unit")
        .get(pk=pilot.pk)
    )
    check_publish(actor=actor, pilot=pilot)
    if field not in InnovationModel.Field.values:
        raise IncompleteInput({"field": _("Choose a field from the list.")})
    model = InnovationModel(
        pilot=pilot, unit=pilot.unit, title=pilot.proposal.title, field=field, published_by=actor,
        summary=required_text(summary, "summary"), conditions=required_text(conditions, "conditions"),
    )  # fmt: skip
    model._change_reason = f"published by {actor.username}"
    model.save()
    headline = gettext_lazy("Your pilot is published as a model for other units to replicate.")
    tell([pilot.proposal.author], "model_event", model, model=model, headline=headline)
    return model


def check_adopt(*, actor: User, model: InnovationModel) -> None:
    ensure(permissions.can_adopt(actor), _("Only a head or a cadre of a unit adopts a model."))
    if actor.unit_id == model.unit_id:
        raise InvalidTransition(_("A model of your own unit is not adopted: it is already yours."))


@transaction.atomic
@transaction.atomic
def model_adopt(*, actor: User, model: InnovationModel) -> Proposal:
    """A new draft proposal of the adopter, pre-filled from the model's proposal and results —
    one at a time: while the adopter's earlier draft from this model is open, 409."""
    check_adopt(actor=actor, model=model)
    InnovationModel.objects.select_for_update().filter(pk=model.pk).first()  # one adoption at a time
    earlier = Proposal.objects.filter(
        author=actor, adopted_from=model.pk, status__in=Proposal.EDITABLE_STATES
    )
    if earlier.exists():
        raise InvalidTransition(_("You already have a draft adopted from this model (no. %(pk)s).")
                                % {"pk": earlier.first().pk})  # fmt: skip
    original = model.pilot.proposal
    data = {name: getattr(original, name) for name in ADOPTED_FIELDS}
    indicators = "; ".join(
        f"{i.name}: {plain_number(i.baseline)} → {plain_number(i.target)} {i.unit}".strip()
        for i in model.pilot.indicators.filter(retired=False)
    )
    data["expected_results"] = "\n".join(filter(None, [original.expected_results, indicators]))
    data["scope"] = "\n".join(
        filter(None, [original.scope, _("Conditions for replication: %(c)s") % {"c": model.conditions}])
    )
    proposal = proposal_services.proposal_create(author=actor, data=data, adopted_from=model.pk)
    tell([RoleAssignment.objects.head_of(model.unit)], "model_event", model, model=model,
         headline=gettext_lazy("A unit has adopted your model."))  # fmt: skip
    return proposal


def check_institutionalise(*, actor: User, model: InnovationModel) -> None:
    ensure(
        permissions.can_institutionalise(actor, model.unit),
        _("Only Organisation Committee staff covering the unit, or a head above it, propose this."),
    )


@transaction.atomic
@transaction.atomic
def institutionalise(
    *, actor: User, model: InnovationModel, document_kind: str, drafting_agency: str, note: str = ""
) -> Institutionalisation:
    """A proposal to turn the model into a legal document; the same document by the same agency
    not again while an earlier proposal of it is still open (409)."""
    check_institutionalise(actor=actor, model=model)
    item = Institutionalisation(
        model=model, proposed_by=actor, note=(note or "").strip(),
        document_kind=required_text(document_kind, "document_kind")[:120],
        drafting_agency=required_text(drafting_agency, "drafting_agency")[:255],
    )  # fmt: skip
    InnovationModel.objects.select_for_update().filter(pk=model.pk).first()  # one proposal at a time
    same = model.institutionalisations.filter(
        document_kind=item.document_kind, drafting_agency=item.drafting_agency
    )
    if same.filter(
        status__in=(Institutionalisation.Status.PROPOSED, Institutionalisation.Status.DRAFTING)
    ).exists():
        raise InvalidTransition(_("This document is already proposed for the model by this agency."))
    FLOW.record(item, action="propose", actor=actor, note=item.note)
    _tell_unit(item, gettext_lazy("It is proposed to turn your model into a legal document."))
    return item


def check_advance(*, actor: User, item: Institutionalisation, stage: str) -> str:
    """The action of a stage (400 for an unknown stage), then 403, then 409."""
    if stage not in STAGE_ACTIONS:
        raise IncompleteInput({"stage": _("Choose drafting, issued or dropped.")})
    FLOW.check(actor=actor, obj=item, action=STAGE_ACTIONS[stage])
    return STAGE_ACTIONS[stage]


@transaction.atomic
def institutionalisation_advance(
    *, actor: User, item: Institutionalisation, stage: str, note: str = "",
    document_number: str = "", issued_on: datetime.date | None = None,
) -> Institutionalisation:  # fmt: skip
    item = FLOW.lock(item)
    action = check_advance(actor=actor, item=item, stage=stage)
    if stage == Institutionalisation.Status.ISSUED:
        item.document_number = required_text(document_number, "document_number")[:100]
        if issued_on is None:
            raise IncompleteInput({"issued_on": _("Give the date the document was issued.")})
        item.issued_on = issued_on
    params = {"document_number": item.document_number} if item.document_number else None
    FLOW.record(item, action=action, actor=actor, to_status=stage, note=(note or "").strip(), params=params)
    _tell_unit(item, gettext_lazy("The institutionalisation of your model has moved on."))
    return item


def _tell_unit(item: Institutionalisation, headline) -> None:
    people = [RoleAssignment.objects.head_of(item.model.unit), item.model.pilot.proposal.author]
    tell(people, "model_event", item.model, model=item.model, headline=headline)


@transaction.atomic
def model_attach(*, actor: User, model: InnovationModel, file, description: str = "") -> ModelAttachment:
    """A document for those who replicate the model; whoever may publish it attaches one."""
    ensure(
        permissions.can_publish(actor, model.pilot),
        _("Only those who publish the model attach its documents."),
    )
    attachment = ModelAttachment(model=model)
    store_upload(attachment, file, name=getattr(file, "name", ""), description=description, actor=actor)
    return attachment

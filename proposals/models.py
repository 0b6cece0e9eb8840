"""Innovation proposals (đề xuất đổi mới, sáng tạo), Decree 73 Art. 7–8."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from portal.models import AttachmentBase, TransitionBase, Unit, stored_name
from portal.storage import private_storage
from portal.text import fold

MAX_BUDGET_VND = 10**15  # a quadrillion đồng: far above any unit's budget, inside BIGINT
SEARCHED_FIELDS = ("title", "necessity", "solution", "scope", "expected_results")


class ProposalQuerySet(models.QuerySet):
    def visible_to(self, user) -> ProposalQuerySet:
        """What the user may see: own and co-implemented proposals; in the subtrees they cover,
        everything ever submitted (drafts stay private to their authors). Each part is a
        column matched against literal ids, so the planner can use an index for each
        (`portal.permissions.scope_unit_ids`)."""
        from portal.permissions import granted_ids, scope_unit_ids

        if not user.is_authenticated:
            return self.none()
        units = None if user.is_superuser else scope_unit_ids(user)
        if units is None:  # a national scope
            return self.filter(Q(author=user) | Q(received_on__isnull=False))
        seen = (Q(unit_id__in=units) | Q(reviewer_unit_id__in=units)) & Q(received_on__isnull=False)
        return self.filter(
            Q(author=user) | Q(pk__in=list(granted_ids(user, Proposal, "view_proposal", covered=seen))) | seen
        )

    def mine(self, user) -> ProposalQuerySet:
        """Written by the person or with them as co-implementer."""
        co_implemented = Proposal.co_implementers.through.objects.filter(user=user)
        return self.filter(
            Q(author=user) | Q(pk__in=list(co_implemented.values_list("proposal_id", flat=True)))
        )

    def for_list(self) -> ProposalQuerySet:
        return self.select_related("author", "unit", "reviewer_unit")

    def latest_received(self) -> ProposalQuerySet:
        """The latest received first, the author's drafts (never received) after them, in the
        order of the `proposal_received_newest` index."""
        return self.order_by(models.F("received_on").desc(nulls_last=True), "-id")

    def awaiting_decision_by(self, user) -> ProposalQuerySet:
        """Submitted (or failed-vote) proposals whose reviewing unit this user heads."""
        from portal.models import RoleAssignment

        headed = RoleAssignment.objects.current().filter(user=user, role=RoleAssignment.Role.HEAD)
        return self.filter(
            reviewer_unit__in=headed.values("unit"),
            status__in=[Proposal.Status.SUBMITTED, Proposal.Status.COLLECTIVE_REJECTED],
        ).exclude(author=user)

    def overdue(self, today: datetime.date | None = None) -> ProposalQuerySet:
        today = today or timezone.localdate()
        return self.filter(status=Proposal.Status.SUBMITTED, decision_due__lt=today)

    def search(self, text: str) -> ProposalQuerySet:
        """Words must all appear, with or without diacritics ("cai cach" finds "cải cách")."""
        query = Q()
        for word in fold(text).split()[:10]:
            query &= Q(search_text__contains=word)
        return self.filter(query)


class Proposal(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for completion")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        APPROVED = "approved", _("Approved by vote")
        COLLECTIVE_REJECTED = "collective_rejected", _("Not passed by the collective")
        APPROVED_BY_HEAD = "approved_by_head", _("Approved by the head's decision")
        REJECTED = "rejected", _("Rejected")

    class GapKind(models.TextChoices):
        UNREGULATED = "unregulated", _("Not yet regulated")
        UNSUITABLE = "unsuitable", _("Regulated but unsuitable in practice")

    class Mode(models.TextChoices):
        PILOT = "pilot", _("Pilot")
        IMPLEMENT = "implement", _("Implementation")

    class Vote(models.TextChoices):
        FOR = "for", _("For")
        AGAINST = "against", _("Against")

    class Routing(models.TextChoices):
        """Why the parent unit reviews a proposal instead of the author's own unit."""

        AUTHOR_IS_HEAD = (
            "author_is_head",
            _("The author heads their unit, so the head of the superior unit decides (Art. 7(4))."),
        )
        HEAD_IS_CO_IMPLEMENTER = (
            "head_is_co_implementer",
            _(
                "The head of the author's unit is a co-implementer, so the head of the superior unit "
                "decides: nobody decides on their own work."
            ),
        )

    # action → (states it may start from, state it leads to). A state change has one home:
    # proposals/services.py, which checks this table under a row lock.
    TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
        "submit": (("draft", "returned"), "submitted"),
        "withdraw": (("draft", "submitted", "returned"), "withdrawn"),
        "return": (("submitted",), "returned"),
        "party_opinion": (("submitted",), None),  # stays submitted
        "decide": (("submitted",), None),  # approved or collective_rejected, by the vote
        "override": (("collective_rejected",), "approved_by_head"),
        "reject": (("collective_rejected",), "rejected"),
    }
    # where an action whose table entry says None may lead, when the service decides (the vote)
    BRANCHES: dict[str, tuple[str, ...]] = {"decide": ("approved", "collective_rejected")}
    EDITABLE_STATES = ("draft", "returned")
    DECIDED_STATES = ("approved", "approved_by_head", "rejected")

    # --- Art. 7(2): the content of the plan -------------------------------------------------
    title = models.CharField(_("title"), max_length=255)
    necessity = models.TextField(
        _("necessity and purpose"),
        blank=True,
        help_text=_(
            "The necessity and purpose of the proposal: the bottleneck (điểm nghẽn) in mechanisms "
            "or policies that it removes (Decree 73 Art. 7(2))."
        ),
    )
    gap_kind = models.CharField(
        _("kind of bottleneck"),
        max_length=16,
        choices=GapKind.choices,
        blank=True,
        help_text=_(
            "Whether the matter is not yet regulated, or regulated but unsuitable in practice (KL 2.2)."
        ),
    )
    legal_basis = models.TextField(
        _("legal provisions concerned"),
        blank=True,
        help_text=_("The legal documents and provisions the proposal touches."),
    )
    solution = models.TextField(
        _("content, tasks and solutions"),
        blank=True,
        help_text=_("What will be done: the innovative content, the tasks and the solutions."),
    )
    scope = models.TextField(
        _("scope and subjects"), blank=True, help_text=_("Scope and subjects of application.")
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    resources = models.TextField(
        _("resources"),
        blank=True,
        help_text=_("People, equipment and other resources needed to carry it out."),
    )
    budget_vnd = models.BigIntegerField(
        _("budget (VND)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_BUDGET_VND)],
        help_text=_("The funding needed, in đồng."),
    )
    feasibility = models.TextField(
        _("feasibility"), blank=True, help_text=_("Why the plan can be carried out.")
    )
    impact_positive = models.TextField(
        _("positive impacts"),
        blank=True,
        help_text=_("Expected positive impacts on the economy, society and people."),
    )
    impact_negative = models.TextField(
        _("negative impacts"),
        blank=True,
        help_text=_("Possible negative impacts and how they will be limited."),
    )
    expected_results = models.TextField(
        _("expected results"),
        blank=True,
        help_text=_("Expected results with measurable indicators (baseline, target)."),
    )
    risks = models.TextField(
        _("risks and mitigations"), blank=True, help_text=_("Risks that may arise and how to handle them.")
    )
    conflict_of_interest = models.TextField(
        _("conflict-of-interest declaration"),
        blank=True,
        help_text=_("Any personal or family interest in the proposal; leave empty if there is none."),
    )
    conditions_confirmed = models.BooleanField(
        _("conditions and legality confirmed"),
        default=False,
        help_text=_(
            "I confirm the proposal meets the conditions of Decree 73 Art. 5(1) and stays within the "
            "unit's authority, not against the Constitution, the Party Charter, the law or superior "
            "documents (Art. 4)."
        ),
    )

    # --- Process ----------------------------------------------------------------------------
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("author")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("unit"))
    reviewer_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="proposals_to_review",
        verbose_name=_("reviewing unit"),
        help_text=_("The author's unit; the parent unit when the author heads their unit (Art. 7(4))."),
    )
    review_routing = models.CharField(
        _("why the superior unit reviews"), max_length=32, choices=Routing.choices, blank=True
    )
    co_implementers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="co_implemented_proposals",
        verbose_name=_("co-implementers"),
    )
    received_on = models.DateField(_("received on"), null=True, blank=True)
    adopted_from = models.PositiveBigIntegerField(
        _("adopted from model"), null=True, blank=True, editable=False,
        help_text=_("The model of the library this proposal replicates (set when it is adopted)."),
    )  # fmt: skip
    decision_due = models.DateField(_("decision due"), null=True, blank=True)
    decision_mode = models.CharField(_("decision"), max_length=16, choices=Mode.choices, blank=True)
    party_opinion = models.TextField(_("Opinion of the Party committee at the same level"), blank=True)
    party_supports = models.BooleanField(_("the Party committee supports"), null=True, blank=True)
    party_opinion_on = models.DateField(_("opinion recorded on"), null=True, blank=True)
    votes_for = models.PositiveIntegerField(_("votes for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("votes against"), null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(_("abstentions"), null=True, blank=True)
    head_vote = models.CharField(_("the head's vote"), max_length=8, choices=Vote.choices, blank=True)
    support_granted = models.TextField(_("support resources granted"), blank=True)
    responsibility_statement = models.TextField(
        _("Statement of personal responsibility"),
        blank=True,
        help_text=_("Cam kết chịu trách nhiệm trước cấp trên và trước pháp luật (Art. 8(1))."),
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    # Working days from receipt to the decision, counted when it is taken (the reports' median).
    decision_working_days = models.SmallIntegerField(
        _("working days to the decision"), null=True, blank=True, editable=False
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    search_text = models.TextField(editable=False, default="", verbose_name=_("search text"))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("innovation proposal")
        verbose_name_plural = _("innovation proposals")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "decision_due"], name="proposal_status_due"),
            models.Index(fields=["reviewer_unit", "status"], name="proposal_reviewer_status"),
            # the lists' orders, so that a wide scope is read in order and stops at the page
            # (and `proposal_received_newest`, NULLS LAST, made on PostgreSQL by migration 0007)
            models.Index(fields=["-created_at", "-id"], name="proposal_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="proposal_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(budget_vnd__isnull=True) | Q(budget_vnd__gte=0),
                name="proposal_budget_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.search_text = fold(" ".join(str(getattr(self, name) or "") for name in SEARCHED_FIELDS))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text", "updated_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("proposal-detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == self.Status.SUBMITTED
            and self.decision_due is not None
            and self.decision_due < timezone.localdate()
        )

    @property
    def votes_cast(self) -> int:
        return (self.votes_for or 0) + (self.votes_against or 0) + (self.votes_abstain or 0)

    REQUIRED_FOR_SUBMISSION = (
        "title", "necessity", "gap_kind", "legal_basis", "solution", "scope", "start_date",
        "end_date", "resources", "budget_vnd", "feasibility", "impact_positive",
        "impact_negative", "expected_results", "risks",
    )  # fmt: skip

    def missing_fields(self) -> list[str]:
        """The fields that must still be filled in (or confirmed) before the proposal can be
        submitted, in the order of the form."""
        missing = [
            name
            for name in self.REQUIRED_FOR_SUBMISSION
            if getattr(self, name) in (None, "")
            or (isinstance(getattr(self, name), str) and not getattr(self, name).strip())
        ]
        return missing + ([] if self.conditions_confirmed else ["conditions_confirmed"])

    def missing_for_submission(self) -> list[str]:
        """Labels of what must still be filled in before the proposal can be submitted."""
        return [str(self._meta.get_field(name).verbose_name) for name in self.missing_fields()]


def missing_message(name: str) -> str:
    """What a person is told beside a field left empty when they try to submit."""
    if name == "conditions_confirmed":
        return gettext("Confirm that the proposal meets the conditions before you submit it.")
    label = Proposal._meta.get_field(name).verbose_name
    return gettext("Fill in %(label)s before you submit the proposal.") % {"label": label}


class ProposalUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Proposal, on_delete=models.CASCADE, verbose_name=_("content object"))


class ProposalGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Proposal, on_delete=models.CASCADE, verbose_name=_("content object"))


class ProposalTransition(TransitionBase):
    """One row per state change (or recorded step): the evidence behind a cadre's protection."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, related_name="transitions", verbose_name=_("proposal")
    )
    from_status = models.CharField(_("from"), max_length=24, choices=Proposal.Status.choices)
    to_status = models.CharField(_("to"), max_length=24, choices=Proposal.Status.choices)

    class Meta(TransitionBase.Meta):
        verbose_name = _("proposal transition")
        verbose_name_plural = _("proposal transitions")


def attachment_path(instance: ProposalAttachment, filename: str) -> str:
    return stored_name(instance, folder="proposals", owner=instance.proposal_id)


class ProposalAttachment(AttachmentBase):
    """A file attached to a proposal; never deleted once submitted."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("proposal")
    )
    file = models.FileField(
        upload_to=attachment_path, storage=private_storage, max_length=255, verbose_name=_("file")
    )
    history = HistoricalRecords()

    class Meta(AttachmentBase.Meta):
        pass

    def get_absolute_url(self) -> str:
        return reverse("proposal-attachment", args=[self.proposal_id, self.pk])

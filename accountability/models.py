"""Accountability cases (Decree 73 Art. 6, 11; KL 2.4): the outcome case a failed evaluation
opens, and the confidential channel for abuse and obstruction; reviews by inspectors and the
subject's written explanations, every step on the record."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from portal.models import AttachmentBase, RoleAssignment, TransitionBase, Unit, stored_name
from portal.storage import private_storage


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> CaseQuerySet:
        """CONTRACT, who sees a case: its subject; an outcome case, whoever sees its pilot; an
        abuse or obstruction case (a confidential channel), whoever opened it, the heads of the
        units above the subject's unit and the inspectors and Organisation Committee staff
        covering it — never the head of the subject's own unit."""
        from pilots.models import own_pilot_ids
        from portal.permissions import roles_held, scope_unit_ids

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        # Each part is a column of the case against literal values or a subquery of the units
        # (hashed once), never a join: the planner walks the list's index and stops at the page,
        # with no pass over the pilots (bench/plans/*__cases.txt).
        confidential = Q(opened_by=user)
        for role, path in roles_held(user):
            if role == RoleAssignment.Role.HEAD:
                below = Unit.objects.filter(path__startswith=path).exclude(path=path).values("pk")
                confidential |= Q(unit_id__in=below)
            elif role in (RoleAssignment.Role.INSPECTOR, RoleAssignment.Role.ORGCOM):
                confidential |= Q(unit_id__in=Unit.objects.filter(path__startswith=path).values("pk"))
        # Whoever sees the pilot: its implementers and author, a single grant, or a subtree holding
        # the pilot's unit — the approving and the directing unit are that unit or above it, so a
        # subtree holding either holds the pilot's unit too.
        outcome = Q(kind=Case.Kind.OUTCOME)
        units = scope_unit_ids(user)
        if units is not None:  # else a national scope, which sees every outcome case
            outcome &= Q(pilot_unit_id__in=units) | Q(pilot_id__in=own_pilot_ids(user))
        return self.filter(Q(subject=user) | outcome | (~Q(kind=Case.Kind.OUTCOME) & confidential))

    def waiting_for(self, user) -> CaseQuerySet:
        """Not closed, and about this person or waiting for them as the head who acts next: an
        outcome case for the approving unit's head, then the head above it; a report for the head
        above the subject's unit, then (referred) for the head who determined it while they head
        the unit above. Each of these the person sees (`visible_to`), so no list needs both."""
        from portal.permissions import roles_held

        headed = [path for role, path in roles_held(user) if role == RoleAssignment.Role.HEAD]
        outcome, report = Q(kind=Case.Kind.OUTCOME), ~Q(kind=Case.Kind.OUTCOME)
        deciding = Q(status__in=[Case.Status.RELIEF_RECOMMENDED, Case.Status.REFERRED])
        acts = (
            (outcome & Q(status=Case.Status.OPEN, unit__path__in=headed))
            | (outcome & deciding & Q(unit__parent__path__in=headed))
            | (report & Q(status=Case.Status.OPEN, unit__parent__path__in=headed))
            | (report & Q(status=Case.Status.REFERRED, determined_by=user, unit__parent__path__in=headed))
        )
        still_open = Q(status__in=[Case.Status.OPEN, Case.Status.RELIEF_RECOMMENDED, Case.Status.REFERRED])
        return self.filter(still_open & (Q(subject=user) | (acts & ~Q(subject=user))))

    def for_list(self) -> CaseQuerySet:
        return self.select_related("subject", "opened_by", "unit", "pilot", "proposal__reviewer_unit")


class Case(models.Model):
    class Kind(models.TextChoices):
        OUTCOME = "outcome", _("Outcome not completed")
        ABUSE = "abuse", _("Suspected abuse")
        OBSTRUCTION = "obstruction", _("Obstruction of an innovating cadre")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("case", "Open")
        LIABILITY_EXCLUDED = "liability_excluded", _("Liability excluded")
        RELIEF_RECOMMENDED = "relief_recommended", _("Relief recommended")
        REFERRED = "referred", _("Referred")
        DISMISSED = "dismissed", _("Dismissed")
        DECIDED = "decided", _("Decided")

    class Result(models.TextChoices):
        EXCLUDED = "excluded", _("Excluded")
        EXEMPTED = "exempted", _("Exempted")
        REDUCED = "reduced", _("Reduced")
        REFUSED = "refused", _("Refused")
        SANCTIONED = "sanctioned", _("Sanctioned")
        CLEARED = "cleared", _("Cleared")

    # action → (states it may start from, state it leads to); accountability/services.py checks it.
    TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
        "review": (("open", "relief_recommended", "referred"), None),  # adds an inspector's review
        "determine": (("open",), None),  # by the good-faith test, or substantiated or not
        "relief": (("relief_recommended",), "decided"),
        "referral_outcome": (("referred",), "decided"),
        "explanation": (
            ("open", "liability_excluded", "relief_recommended", "referred", "dismissed", "decided"),
            None,
        ),
    }
    BRANCHES: dict[str, tuple[str, ...]] = {
        "determine": ("liability_excluded", "relief_recommended", "referred", "dismissed"),
    }

    pilot = models.ForeignKey(
        "pilots.Pilot",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("pilot"),
    )
    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.PROTECT, related_name="cases", verbose_name=_("proposal")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="cases",
        help_text=_("An outcome case: the approving unit. Abuse or obstruction: the subject's unit."),
        verbose_name=_("unit"),
    )
    pilot_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text=_(
            "An outcome case: the unit its pilot was carried out in (whoever covers it sees the case)."
        ),
        verbose_name=_("pilot's unit"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.OPEN)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cases_about_me",
        verbose_name=_("subject"),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    summary = models.TextField(_("summary"), blank=True)
    determination_due = models.DateField(_("determination due"), null=True, blank=True)
    # --- the determination ----------------------------------------------------------------------
    objective_causes = models.TextField(_("objective causes"), blank=True)
    subjective_causes = models.TextField(_("subjective causes"), blank=True)
    acted_per_policy = models.BooleanField(_("Per policy"), null=True, blank=True)
    pure_motive = models.BooleanField(_("Pure motives"), null=True, blank=True)
    common_good = models.BooleanField(_("For the common good"), null=True, blank=True)
    substantiated = models.BooleanField(_("substantiated"), null=True, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    determined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("determined by"),
    )
    determined_on = models.DateField(_("determined on"), null=True, blank=True)
    decision_due = models.DateField(_("decision due"), null=True, blank=True)
    # --- relief or the referral's outcome -----------------------------------------------------------
    result = models.CharField(_("result"), max_length=16, choices=Result.choices, blank=True)
    result_basis = models.TextField(_("basis"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["pilot_unit"])  # derived from the pilot, never changed

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("accountability case")
        verbose_name_plural = _("accountability cases")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["-opened_at", "-id"], name="case_newest")]
        constraints = [
            # An evaluation opens at most one outcome case for its pilot.
            models.UniqueConstraint(
                fields=["pilot"], condition=Q(kind="outcome"), name="one_outcome_case_per_pilot"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.proposal_id}"

    def get_absolute_url(self) -> str:
        return reverse("case-detail", args=[self.pk])

    @property
    def summary_text(self) -> str:
        """What the case is about, in the reader's language: the evaluation's outcome for an
        outcome case (opened by the portal; older rows kept its label in the evaluator's
        language, which is not shown), the reporter's words otherwise."""
        if self.kind == self.Kind.OUTCOME and self.pilot_id and self.pilot.outcome:
            return str(self.pilot.get_outcome_display())
        return self.summary

    @property
    def is_confidential(self) -> bool:
        return self.kind != self.Kind.OUTCOME


class CaseReview(models.Model):
    """An inspector's review of a case: findings and a recommendation."""

    class Recommendation(models.TextChoices):
        PROTECT = "protect", _("Protect")
        REFER = "refer", _("Refer")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("case"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("inspector")
    )
    findings = models.TextField(_("findings"))
    recommendation = models.CharField(_("recommendation"), max_length=8, choices=Recommendation.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("review by an inspector")
        verbose_name_plural = _("reviews by inspectors")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.recommendation}"


class CaseExplanation(models.Model):
    """The subject's written explanation, at any stage."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="explanations", verbose_name=_("case")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    text = models.TextField(_("explanation"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("written explanation")
        verbose_name_plural = _("written explanations")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.author_id}"


def attachment_path(instance: CaseAttachment, filename: str) -> str:
    return stored_name(instance, folder="cases", owner=instance.case_id)


class CaseAttachment(AttachmentBase):
    """A file the subject gives with an explanation; it stays on the record."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("case")
    )
    explanation = models.ForeignKey(
        CaseExplanation, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("explanation")
    )
    file = models.FileField(
        upload_to=attachment_path, storage=private_storage, max_length=255, verbose_name=_("file")
    )
    history = HistoricalRecords()

    class Meta(AttachmentBase.Meta):
        pass

    def get_absolute_url(self) -> str:
        return reverse("case-attachment", args=[self.case_id, self.pk])


class CaseTransition(TransitionBase):
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="transitions", verbose_name=_("case")
    )
    from_status = models.CharField(_("from"), max_length=24, choices=Case.Status.choices)
    to_status = models.CharField(_("to"), max_length=24, choices=Case.Status.choices)

    class Meta(TransitionBase.Meta):
        verbose_name = _("case transition")
        verbose_name_plural = _("case transitions")

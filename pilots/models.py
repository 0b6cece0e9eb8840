"""Pilots and implementations of approved proposals (KL 2.3, 2.4; the evaluation article)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from portal.models import AttachmentBase, TransitionBase, Unit, stored_name
from portal.storage import private_storage
from portal.texts import note_kind, note_text
from proposals.models import MAX_BUDGET_VND, Proposal


def visible_pilot_q(user, prefix: str = "") -> Q:
    """The pilots a person sees (`prefix` "pilot__" for a table that points at one):
    implementers and the proposal's author; the subtrees a person covers; single grants (an
    inspector assigned to one pilot). The person's own pilots are read first as ids and the
    subtree as unit ids, so that the list's query is columns against literal values, which
    the planner can serve from an index (no join, no DISTINCT).

    The approving unit (the proposal's reviewer) is the proposal's unit or a unit above it and
    the pilot's unit is the proposal's, so whoever covers the approving unit covers the pilot's
    unit: the pilot's own unit and its directing unit are enough here."""
    from portal.permissions import scope_unit_ids

    if not user.is_authenticated:
        return Q(pk__in=[])
    units = None if user.is_superuser else scope_unit_ids(user)
    if units is None:  # a national scope
        return Q(**{f"{prefix}pk__isnull": False})
    return (
        Q(**{f"{prefix}pk__in": own_pilot_ids(user)})
        | Q(**{f"{prefix}unit_id__in": units})
        | Q(**{f"{prefix}directing_unit_id__in": units})
    )


def own_pilot_ids(user) -> list[int]:
    """The pilots a person has a part in (implementer, the proposal's author) or was granted
    alone, outside the subtrees they cover; read once per request."""
    from portal.memo import once
    from portal.models import Unit, path_prefix_q
    from portal.permissions import granted_ids, ids_of, scope_paths

    def ids() -> list[int]:
        # The grants inside the subtrees are left out against the subtrees' units as a subquery,
        # which the database hashes once (against the literal list it would compare each grant
        # with every unit: an inspector's thousands of grants × a province's units).
        in_scope = Unit.objects.filter(path_prefix_q("path", scope_paths(user))).values("pk")
        covered = Q(unit_id__in=in_scope) | Q(directing_unit_id__in=in_scope)
        return ids_of(
            Pilot.implementers.through.objects.filter(user=user).values_list("pilot_id", flat=True),
            Pilot.objects.filter(proposal__author=user).values_list("pk", flat=True),
            granted_ids(user, Pilot, "view_pilot", covered=covered),
        )

    return once(("own pilots", user.pk), ids)


class PilotQuerySet(models.QuerySet):
    def visible_to(self, user) -> PilotQuerySet:
        return self.filter(visible_pilot_q(user))

    def for_list(self) -> PilotQuerySet:
        return self.select_related(
            "proposal", "proposal__author", "unit", "proposal__reviewer_unit", "directing_unit"
        ).with_next_due()

    def with_next_due(self) -> PilotQuerySet:
        """Annotate `next_report_due`: the earliest due date of a report not yet handed in, while
        the pilot runs (planned, active or suspended); once it is completed, terminated or
        evaluated no progress report is due any more (None)."""
        open_reports = ProgressReport.objects.filter(
            pilot=models.OuterRef("pk"),
            status__in=[ProgressReport.Status.DUE, ProgressReport.Status.CORRECTION],
        ).order_by("due_date")
        running = (Pilot.Status.PLANNED, Pilot.Status.ACTIVE, Pilot.Status.SUSPENDED)
        next_due = models.Subquery(open_reports.values("due_date")[:1])
        return self.annotate(
            next_report_due=models.Case(models.When(status__in=running, then=next_due), default=None)
        )


class Pilot(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        TERMINATED = "terminated", _("Terminated")
        COMPLETED = "completed", _("Completed, results report due")
        UNDER_EVALUATION = "under_evaluation", _("Under evaluation")
        EVALUATED = "evaluated", _("Evaluated")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")

    class Outcome(models.TextChoices):
        COMPLETED = "completed", _("Completed")
        PARTIALLY_COMPLETED = "partially_completed", _("Partially completed")
        NOT_COMPLETED = "not_completed", _("Not completed")

    # action → (states it may start from, state it leads to); pilots/services.py is its only user.
    TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
        "start": (("planned",), "active"),
        "report": (("active",), None),
        "inspect": (("planned", "active", "suspended", "completed", "under_evaluation"), None),
        "adjust": (("planned", "active", "suspended"), None),
        "suspend": (("active",), "suspended"),
        "resume": (("suspended",), "active"),
        "terminate": (("planned", "active", "suspended"), "terminated"),
        "complete": (("active",), "completed"),
        "results_report": (("completed", "terminated"), "under_evaluation"),
        "evaluate": (("under_evaluation",), "evaluated"),
    }

    proposal = models.OneToOneField(
        Proposal, on_delete=models.PROTECT, related_name="pilot", verbose_name=_("proposal")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="pilots", verbose_name=_("unit"))
    directing_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="directed_pilots",
        verbose_name=_("directing unit"),
        help_text=_(
            "The unit that approved the proposal, whose head directs and evaluates the pilot; its superior "
            "unit when that head carries out the pilot."
        ),
    )
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.PLANNED)
    mode = models.CharField(_("mode"), max_length=16, choices=Proposal.Mode.choices)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    report_frequency = models.CharField(
        _("reporting cadence"), max_length=16, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    budget_vnd = models.BigIntegerField(
        _("budget granted (VND)"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_BUDGET_VND)],
    )
    resources = models.TextField(_("resources granted"), blank=True)
    scope = models.TextField(_("scope"), blank=True)
    implementers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="pilots", verbose_name=_("implementers")
    )
    progress_percent = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, help_text=_("From the latest progress report; never typed in directly.")
    )
    suspended_on = models.DateField(_("suspended on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    results_report_due = models.DateField(_("results report due"), null=True, blank=True)
    results_summary = models.TextField(_("results report"), blank=True)
    results_reported_on = models.DateField(_("results reported on"), null=True, blank=True)
    evaluation_due = models.DateField(_("evaluation due"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=24, choices=Outcome.choices, blank=True)
    damage = models.BooleanField(_("damage or risk event"), default=False)
    damage_vnd = models.BigIntegerField(
        _("estimated damage (VND)"), null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_BUDGET_VND)],
    )  # fmt: skip
    objective_causes = models.TextField(_("objective causes"), blank=True)
    subjective_causes = models.TextField(_("subjective causes"), blank=True)
    evaluation_party_opinion = models.TextField(
        _("Opinion of the Party committee at the same level"), blank=True
    )
    evaluated_on = models.DateField(_("evaluated on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = PilotQuerySet.as_manager()

    class Meta:
        verbose_name = _("pilot")
        verbose_name_plural = _("pilots")
        ordering = ["-created_at", "-id"]
        permissions = [("inspect_pilot", "Can inspect this pilot")]
        indexes = [models.Index(fields=["-created_at", "-id"], name="pilot_newest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="pilot_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(budget_vnd__gte=0), name="pilot_budget_not_negative"),
            models.CheckConstraint(condition=Q(progress_percent__lte=100), name="pilot_progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return self.proposal.title

    def get_absolute_url(self) -> str:
        return reverse("pilot-detail", args=[self.pk])


@note_kind("progress")
def _progress_note(params: dict) -> str:
    return _("Progress %(p)s%%") % {"p": params.get("percent")}


@note_kind("plan_baseline")
def _baseline_note(params: dict) -> str:
    return _("Approved baseline")


@note_kind("plan_resumed")
def _resumed_note(params: dict) -> str:
    return _("Resumed after %(days)s days: dates moved on.") % {"days": params.get("days")}


@note_kind("outcome")
def _outcome_note(params: dict) -> str:
    from portal.voting import describe

    outcome = params.get("outcome")
    label = str(Pilot.Outcome(outcome).label) if outcome in Pilot.Outcome.values else ""
    minutes = params.get("minutes")
    return f"{label} — {describe(minutes)}" if minutes else label


class PilotUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Pilot, on_delete=models.CASCADE, verbose_name=_("content object"))


class PilotGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Pilot, on_delete=models.CASCADE, verbose_name=_("content object"))


class Indicator(models.Model):
    pilot = models.ForeignKey(
        Pilot, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("pilot")
    )
    name = models.CharField(_("indicator"), max_length=255)
    unit = models.CharField(_("unit of measure"), max_length=64, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=20, decimal_places=4)
    target = models.DecimalField(_("target"), max_digits=20, decimal_places=4)
    actual = models.DecimalField(
        _("latest actual"), max_digits=20, decimal_places=4, null=True, blank=True,
        help_text=_("From the latest report that gave a value."),
    )  # fmt: skip
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))
    retired = models.BooleanField(_("removed by an adjustment"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pilot", "name"], name="indicator_name_unique_per_pilot")
        ]

    def __str__(self) -> str:
        return self.name

    def reported(self) -> list[IndicatorValue]:
        """The values as they stand, oldest first: one per report (a report corrected and sent
        again replaces its values; the earlier ones stay in the table as what was first sent)
        and one from the results report. Reads `values` prefetched."""
        current: dict[tuple, IndicatorValue] = {}
        for value in sorted(self.values.all(), key=lambda v: (v.as_of, v.id)):
            current[value.report_id or (value.final, value.as_of)] = value
        return sorted(current.values(), key=lambda v: (v.as_of, v.id))


class Milestone(models.Model):
    pilot = models.ForeignKey(
        Pilot, on_delete=models.PROTECT, related_name="milestones", verbose_name=_("pilot")
    )
    name = models.CharField(_("milestone"), max_length=255)
    due_date = models.DateField(_("due"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.name


class ProgressReport(models.Model):
    """A reporting period, materialised when the pilot is created: due, then submitted, then
    accepted or returned for correction."""

    class Status(models.TextChoices):
        DUE = "due", pgettext_lazy("report status", "Due")
        SUBMITTED = "submitted", _("Submitted")
        CORRECTION = "correction", _("Correction requested")
        ACCEPTED = "accepted", _("Accepted")

    pilot = models.ForeignKey(
        Pilot, on_delete=models.PROTECT, related_name="reports", verbose_name=_("pilot")
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    due_date = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DUE)
    summary = models.TextField(_("summary"), blank=True)
    progress_percent = models.PositiveSmallIntegerField(
        _("progress (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    spending_vnd = models.BigIntegerField(
        _("spending (VND)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_BUDGET_VND)],
    )
    issues = models.TextField(_("issues and risks"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["period_end", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="report_period_order"
            ),
        ]
        # The reports still open (a few percent of them): what is overdue, for the report
        # summary, the daily sweep and the lists of reports due, without reading every report.
        indexes = [
            models.Index(
                fields=["due_date", "pilot"],
                name="report_open_due",
                condition=Q(status__in=["due", "correction"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.pilot_id}: {self.period_start:%d/%m/%Y}–{self.period_end:%d/%m/%Y}"

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in (self.Status.DUE, self.Status.CORRECTION) and self.due_date < timezone.localdate()
        )


def report_period(report: ProgressReport) -> str:
    """A report as a person picks it in a list: its period, "19/10/2026 – 18/11/2026"."""
    start, end = (date_format(day, "SHORT_DATE_FORMAT") for day in (report.period_start, report.period_end))
    return f"{start} – {end}"


class IndicatorValue(models.Model):
    """An indicator's actual value as given in a progress or results report."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="values", verbose_name=_("indicator")
    )
    report = models.ForeignKey(
        ProgressReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="values",
        verbose_name=_("report"),
    )
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    as_of = models.DateField(_("as of"))
    final = models.BooleanField(_("from the results report"), default=False)
    recorded_at = models.DateTimeField(default=timezone.now, verbose_name=_("recorded at"))

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["as_of", "id"]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"


class Inspection(models.Model):
    class Severity(models.TextChoices):
        NONE = "none", _("No findings")
        MINOR = "minor", _("Minor")
        MAJOR = "major", _("Major")

    pilot = models.ForeignKey(
        Pilot, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("pilot")
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("inspector")
    )
    inspected_on = models.DateField(_("inspected on"), default=timezone.localdate)
    findings = models.TextField(_("findings"))
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["inspected_on", "id"]

    def __str__(self) -> str:
        return f"{self.pilot_id} · {self.inspected_on:%d/%m/%Y}"


class CorrectiveAction(models.Model):
    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="actions", verbose_name=_("inspection")
    )
    description = models.TextField(_("corrective action"))
    due_date = models.DateField(_("due"))
    closed_on = models.DateField(pgettext_lazy("corrective action", "closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closing_note = models.TextField(_("how it was done"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_overdue(self) -> bool:
        return self.closed_on is None and self.due_date < timezone.localdate()


class PlanVersion(models.Model):
    """Every version of the plan: number 1 is the approved baseline, each adjustment adds one."""

    pilot = models.ForeignKey(
        Pilot, on_delete=models.PROTECT, related_name="versions", verbose_name=_("pilot")
    )
    number = models.PositiveSmallIntegerField(verbose_name=_("number"))
    plan = models.JSONField(verbose_name=_("plan"))
    reason = models.TextField(_("reason"), blank=True)
    reason_kind = models.CharField(_("kind of reason"), max_length=32, blank=True)
    params = models.JSONField(_("details"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["pilot", "number"], name="plan_version_unique")]

    def __str__(self) -> str:
        return f"{self.pilot_id} v{self.number}"

    @property
    def reason_text(self) -> str:
        """The reason as its reader reads it (see portal.texts)."""
        return note_text(self.reason_kind, self.params, self.reason)

    def changes_from(self, baseline: PlanVersion) -> list[dict]:
        """What this version changes against `baseline`, field by field, with the field's label."""
        before, after = baseline.plan, self.plan
        return [
            {"field": key, "label": str(plan_label(key)), "before": before.get(key), "after": after.get(key)}
            for key in sorted(set(before) | set(after))
            if before.get(key) != after.get(key)
        ]


def plan_label(field: str) -> str:
    """The label of a plan field, in the active language."""
    if field == "indicators":
        return _("Indicators")
    try:
        return Pilot._meta.get_field(field).verbose_name
    except FieldDoesNotExist:  # a key of an older plan that the model no longer has
        return field


class PilotTransition(TransitionBase):
    """A state change or recorded step (directive, report, inspection, adjustment) of a pilot."""

    pilot = models.ForeignKey(
        Pilot, on_delete=models.PROTECT, related_name="transitions", verbose_name=_("pilot")
    )
    from_status = models.CharField(_("from"), max_length=24, choices=Pilot.Status.choices)
    to_status = models.CharField(_("to"), max_length=24, choices=Pilot.Status.choices)

    class Meta(TransitionBase.Meta):
        verbose_name = _("pilot transition")
        verbose_name_plural = _("pilot transitions")

    def __str__(self) -> str:
        return f"{self.pilot_id}: {self.action}"


def attachment_path(instance: PilotAttachment, filename: str) -> str:
    return stored_name(instance, folder="pilots", owner=instance.pilot_id)


class PilotAttachment(AttachmentBase):
    """A file attached to a pilot or one of its progress reports."""

    pilot = models.ForeignKey(
        Pilot, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("pilot")
    )
    report = models.ForeignKey(
        ProgressReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("report"),
    )
    file = models.FileField(
        upload_to=attachment_path, storage=private_storage, max_length=255, verbose_name=_("file")
    )
    history = HistoricalRecords()

    class Meta(AttachmentBase.Meta):
        pass

    def get_absolute_url(self) -> str:
        return reverse("pilot-attachment", args=[self.pilot_id, self.pk])

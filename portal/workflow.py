"""What every state change does, in one place (STYLE rule 1).

Each stateful model nests `class Status(models.TextChoices)` and a `TRANSITIONS` table:
action → (states it may start from, state it leads to, or None when it stays or the service
decides). Each app's services describe their object once with a `Workflow` and call it:

    FLOW = Workflow(model=Proposal, rules=RULES, related=("unit",), refused=NOT_NOW_MESSAGE)

    @transaction.atomic
    def proposal_return(*, actor, proposal, reason):
        proposal = FLOW.lock(proposal)                                    # row lock
        to_status = FLOW.check(actor=actor, obj=proposal, action="return")  # 403, then 409
        reason = required_text(reason, "reason")                          # then 400
        FLOW.record(proposal, action="return", actor=actor, to_status=to_status, note=reason)
        tell([proposal.author], "proposal_returned", proposal, reason=reason)

`record` sets the status, saves with a history reason naming the actor and writes the
transition row; `log` writes a row for a step that changes no status (a Party opinion, an
inspection). The rows of every app share `TransitionBase`: same columns, same ordering, same
API shape. What the portal itself says in a row is a kind plus parameters (`note_kind`,
`params`), drawn in the reader's language by `note_text`; what a person typed stays in `note`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TypeVar

from django.db import models
from django.utils.translation import gettext as _

from portal.errors import IncompleteInput, InvalidTransition, NotAllowed
from portal.models import TransitionBase, User
from portal.notifications import notify

M = TypeVar("M", bound=models.Model)
Rule = tuple[Callable[[User, Any], bool], Any]  # (predicate, what a refused person is told)


@cache
def _transition_of(model: type[models.Model]) -> tuple[type[TransitionBase], str]:
    """The transition model of `model` and the name of its foreign key to it."""
    for related in model._meta.related_objects:
        if issubclass(related.related_model, TransitionBase):
            return related.related_model, related.field.name
    raise LookupError(f"{model.__name__} has no transition model")


@dataclass(frozen=True)
class Workflow:
    """The mechanics of one stateful model; its rules stay with its app."""

    model: type[models.Model]
    rules: dict[str, Rule]
    refused: Any  # "not allowed while … “%(status)s”", with the object's status label
    related: tuple[str, ...] = field(default=())

    def lock(self, obj: M) -> M:
        """Re-read under a row lock: whoever comes second waits, then sees the first one's result.
        The lock is taken on the row alone, then the row is read with its relations: locked in one
        query with its joins, a row whose foreign key the first one changed (an obstacle escalated
        to another unit) would be re-checked by PostgreSQL against the old join and vanish."""
        self.model.objects.select_for_update().filter(pk=obj.pk).values_list("pk", flat=True).first()
        return self.model.objects.select_related(*self.related).get(pk=obj.pk)

    def begin(self, obj: M, *, actor: User, action: str) -> tuple[M, str | None]:
        """Lock the row, then check it (403, then 409): the locked object and where it leads."""
        obj = self.lock(obj)
        return obj, self.check(actor=actor, obj=obj, action=action)

    def check(self, *, actor: User, obj: Any, action: str) -> str | None:
        """NotAllowed (403) unless `actor` may do `action`, then InvalidTransition (409) unless
        the object's state allows it; the state it leads to. Views and the API ask before they
        read the request body; every service asks again under the row lock."""
        allowed, message = self.rules[action]
        if not allowed(actor, obj):
            raise NotAllowed(str(message))
        allowed_from, to_status = self.model.TRANSITIONS[action]
        if obj.status not in allowed_from:
            raise InvalidTransition(str(self.refused) % {"status": obj.get_status_display()})
        return to_status

    def may(self, *, actor: User, obj: Any, action: str) -> bool:
        try:
            self.check(actor=actor, obj=obj, action=action)
        except (NotAllowed, InvalidTransition):
            return False
        return True

    def record(
        self,
        obj: M,
        *,
        action: str,
        actor: User,
        to_status: str | None = None,
        note: str = "",
        note_kind: str = "",
        params: dict[str, Any] | None = None,
    ) -> M:
        """Move to `to_status` (or stay), save with a history reason, write the transition row."""
        from_status = obj.status
        if to_status:
            obj.status = to_status
        obj._change_reason = f"{action} by {actor.username}"
        obj.save()
        self.log(obj, action=action, actor=actor, from_status=from_status, note=note, note_kind=note_kind,
                 params=params)  # fmt: skip
        return obj

    def log(
        self,
        obj: Any,
        *,
        action: str,
        actor: User,
        from_status: str | None = None,
        note: str = "",
        note_kind: str = "",
        params: dict[str, Any] | None = None,
    ) -> TransitionBase:
        """A transition row; `to_status` is the object's status now."""
        transition_model, foreign_key = _transition_of(self.model)
        return transition_model.objects.create(
            **{foreign_key: obj},
            action=action,
            from_status=from_status if from_status is not None else obj.status,
            to_status=obj.status,
            actor=actor,
            note=note,
            note_kind=note_kind,
            params=params or {},
        )


def tell(recipients: Iterable[User | None], kind: str, obj: models.Model, **params: Any) -> None:
    """Notify each active person once (the e-mail copy goes after commit, see notify())."""
    for person in {p.pk: p for p in recipients if p is not None and p.is_active}.values():
        notify(person, kind, obj, params)


def ensure(allowed: bool, message: Any) -> None:
    """NotAllowed (403) unless `allowed`: for a permission outside the TRANSITIONS table."""
    if not allowed:
        raise NotAllowed(str(message))


def required_text(value: str | None, field_name: str) -> str:
    value = (value or "").strip()
    if not value:
        raise IncompleteInput({field_name: _("This field is required.")})
    return value

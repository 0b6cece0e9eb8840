"""Tamper evidence for the audit trail (DOMAIN §5): every covered row — the transitions and the
history rows of a proposal's dossier — is a link of a SHA-256 hash chain, one chain per proposal,
written in the transaction that writes the row. `verify` recomputes the chains and names the
first row that was changed, deleted or inserted behind the portal's back.

Each app covers its own tables in `AppConfig.ready` (`cover`), naming how a row finds its
proposal; this module knows no app. A link's row digest is taken from the row as the database
returns it, so the check reads exactly what was linked."""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import IntegrityError, connection, models, transaction
from django.db.models.signals import post_save
from django.utils import timezone
from simple_history.signals import post_create_historical_record

from portal.models import AuditChain, AuditCheck, AuditLink

GENESIS = "0" * 64
BATCH = 2000


@dataclass(frozen=True)
class Covered:
    """A covered table: `field` of its row holds the proposal, or the key of a `through` row
    whose `lookup` holds it (a pilot's `proposal_id`, a model's `pilot__proposal_id`)."""

    model: type[models.Model]
    field: str
    through: type[models.Model] | None = None
    lookup: str = ""

    @property
    def label(self) -> str:
        return self.model._meta.label

    def dossiers(self, rows: list[dict]) -> list[int | None]:
        keys = [row[self.field] for row in rows]
        if self.through is None:
            return keys
        found = dict(self.through._default_manager.filter(pk__in=set(keys)).values_list("pk", self.lookup))
        return [found.get(key) for key in keys]


COVERED: dict[str, Covered] = {}


def cover(
    model: type[models.Model], field: str, through: type[models.Model] | None = None, lookup: str = ""
) -> None:
    """Cover a history or transition table: each row written through the ORM is linked."""
    covered = Covered(model, field, through, lookup)
    COVERED[covered.label] = covered
    if issubclass(model, _historical_base()):
        return  # linked on simple-history's signal (see _historical)
    post_save.connect(_saved, sender=model, dispatch_uid=f"audit-{covered.label}")


def _historical_base():
    from simple_history.models import HistoricalChanges

    return HistoricalChanges


def _saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        link(COVERED[sender._meta.label], instance.pk)


def _historical(sender, history_instance, **kwargs) -> None:
    covered = COVERED.get(type(history_instance)._meta.label)
    if covered is not None:
        link(covered, history_instance.pk)


post_create_historical_record.connect(_historical, dispatch_uid="audit-history")


# --- digests -----------------------------------------------------------------------------------


def _plain(value):
    if isinstance(value, datetime.datetime):
        return (value.astimezone(datetime.UTC) if value.tzinfo else value).isoformat(timespec="microseconds")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, uuid.UUID | bytes | memoryview):
        return bytes(value).hex() if not isinstance(value, uuid.UUID) else str(value)
    return value


def _columns(model: type[models.Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def row_digest(label: str, row: dict) -> str:
    text = json.dumps({k: _plain(v) for k, v in row.items()}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{label}\n{text}".encode()).hexdigest()


def link_digest(previous: str, seq: int, label: str, row_id: int, digest: str) -> str:
    return hashlib.sha256(f"{previous}|{seq}|{label}|{row_id}|{digest}".encode()).hexdigest()


# --- writing -----------------------------------------------------------------------------------


def link(covered: Covered, pk: int) -> str | None:
    """Add the row to its dossier's chain, in the transaction that wrote it; returns the link's
    digest. The chain's head row is locked meanwhile (plain SQL: this runs for every covered row)."""
    row = covered.model._default_manager.filter(pk=pk).values(*_columns(covered.model)).first()
    if row is None:
        return None
    dossier = covered.dossiers([row])[0]
    if dossier is None:
        return None
    # no savepoint of its own: a failure here must fail the change it links
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        seq, previous = _locked(cursor, dossier)
        digest = row_digest(covered.label, row)
        chained = link_digest(previous, seq, covered.label, pk, digest)
        now = timezone.now()
        cursor.execute(INSERT_LINK, [dossier, seq, covered.label, pk, digest, previous, chained, now])
        cursor.execute(MOVE_HEAD, [seq, chained, now, dossier])
    return chained


def link_rows(model: type[models.Model], pks: list[int]) -> int:
    """Link rows written in bulk (no signal fires for them), in the order given; how many. The
    same links as `link` makes one by one, a batch at a time: the rows read in one query, their
    chains' heads locked together (in the order of their dossiers), the links inserted at once."""
    covered = COVERED.get(model._meta.label)
    if covered is None:
        return 0
    return sum(_link_batch(covered, pks[start : start + BATCH]) for start in range(0, len(pks), BATCH))


def _link_batch(covered: Covered, pks: list[int]) -> int:
    key = covered.model._meta.pk.attname
    found = {
        row[key]: row
        for row in covered.model._default_manager.filter(pk__in=pks).values(*_columns(covered.model))
    }
    rows = [found[pk] for pk in pks if pk in found]
    pairs = [
        (row, dossier)
        for row, dossier in zip(rows, covered.dossiers(rows), strict=True)
        if dossier is not None
    ]
    wanted = sorted({dossier for _row, dossier in pairs})
    if not wanted:
        return 0
    with transaction.atomic(savepoint=False):
        AuditChain.objects.bulk_create(
            [AuditChain(dossier=dossier, head=GENESIS) for dossier in wanted], ignore_conflicts=True
        )
        chains = AuditChain.objects.filter(pk__in=wanted).order_by("pk")
        if connection.features.has_select_for_update:
            chains = chains.select_for_update()
        heads = {chain.pk: chain for chain in chains}
        now, links = timezone.now(), []
        for row, dossier in pairs:
            chain = heads[dossier]
            seq, digest = chain.length + 1, row_digest(covered.label, row)
            chained = link_digest(chain.head, seq, covered.label, row[key], digest)
            link_row = AuditLink(dossier=dossier, seq=seq, table=covered.label, row_id=row[key],
                                 row_digest=digest, previous=chain.head, digest=chained, at=now)  # fmt: skip
            links.append(link_row)
            chain.length, chain.head, chain.updated_at = seq, chained, now
        AuditLink.objects.bulk_create(links, batch_size=BATCH)
        AuditChain.objects.bulk_update(
            list(heads.values()), ["length", "head", "updated_at"], batch_size=BATCH
        )
    return len(links)


# Plain SQL on the two tables of portal.models (AuditLink, AuditChain).
INSERT_LINK = (
    'INSERT INTO portal_auditlink (dossier, seq, "table", row_id, row_digest, previous, digest, at) '
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
)
MOVE_HEAD = "UPDATE portal_auditchain SET length = %s, head = %s, updated_at = %s WHERE dossier = %s"
READ_HEAD = "SELECT length, head FROM portal_auditchain WHERE dossier = %s"


def _locked(cursor, dossier: int) -> tuple[int, str]:
    """The next position in the dossier's chain and the hash before it, the head row locked until
    the transaction ends (made on the dossier's first link)."""
    read = READ_HEAD + (" FOR UPDATE" if connection.features.has_select_for_update else "")
    cursor.execute(read, [dossier])
    found = cursor.fetchone()
    if found is None:
        try:
            with transaction.atomic():
                AuditChain.objects.create(dossier=dossier, head=GENESIS)
        except IntegrityError:
            pass  # another writer made it first
        cursor.execute(read, [dossier])
        found = cursor.fetchone()
    return found[0] + 1, found[1]


def fingerprint(dossier: int) -> tuple[str, int]:
    """The dossier's fingerprint (its chain's last hash) and how many rows it covers."""
    chain = AuditChain.objects.filter(pk=dossier).first()
    return (chain.head, chain.length) if chain else (GENESIS, 0)


def adopt_existing() -> int:
    """Link the covered rows written before the chain existed (or while it was off), oldest first;
    returns how many. Run once after upgrading (`manage.py audit_adopt`)."""
    added = 0
    for covered in COVERED.values():
        linked = AuditLink.objects.filter(table=covered.label).values("row_id")
        for pk in (
            covered.model._default_manager.exclude(pk__in=linked).order_by("pk").values_list("pk", flat=True)
        ):
            with transaction.atomic():
                added += link(covered, pk) is not None
    return added


# --- checking ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Broken:
    """The first thing wrong with a dossier's chain."""

    dossier: int
    table: str
    row_id: int | None
    problem: str  # changed | deleted | inserted | link | head

    def __str__(self) -> str:
        what = {
            "changed": "was changed",
            "deleted": "was deleted",
            "inserted": "was inserted without a link",
            "link": "has a link that was altered or removed",
            "head": "has a chain head that does not match",
        }
        row = f"{self.table} #{self.row_id}" if self.row_id is not None else self.table
        return f"proposal {self.dossier}: {row} {what[self.problem]}"  # fmt: skip


def verify(dossier: int | None = None) -> list[Broken]:
    """The first broken record of each broken dossier (all of them, or one), in dossier order."""
    found: dict[int, Broken] = {}
    heads = AuditChain.objects.all() if dossier is None else AuditChain.objects.filter(pk=dossier)
    expected = {chain.dossier: chain for chain in heads}
    last: dict[int, tuple[int, str]] = {}
    for link_row, row in _links_with_rows(dossier):
        d = link_row.dossier
        if d in found:
            continue
        seq, previous = last.get(d, (0, GENESIS))
        problem = _problem(link_row, row, seq, previous)
        if problem:
            found[d] = Broken(d, link_row.table, link_row.row_id, problem)
        last[d] = (link_row.seq, link_row.digest)
    for d, chain in expected.items():
        if d not in found and last.get(d, (0, GENESIS)) != (chain.length, chain.head):
            found[d] = Broken(d, "audit chain", None, "head")
    for d in set(last) - set(expected):
        found.setdefault(d, Broken(d, "audit chain", None, "head"))
    for broken in _unlinked(dossier):
        found.setdefault(broken.dossier, broken)
    return [found[d] for d in sorted(found)]


def _problem(link_row: AuditLink, row: dict | None, seq: int, previous: str) -> str:
    if link_row.seq != seq + 1 or link_row.previous != previous:
        return "link"
    recomputed = link_digest(previous, link_row.seq, link_row.table, link_row.row_id, link_row.row_digest)
    if recomputed != link_row.digest:
        return "link"
    if row is None:
        return "deleted"
    return "changed" if row_digest(link_row.table, row) != link_row.row_digest else ""


def _links_with_rows(dossier: int | None) -> Iterator[tuple[AuditLink, dict | None]]:
    """Every link in chain order with its row as the database holds it now, read in batches."""
    links = AuditLink.objects.order_by("dossier", "seq")
    if dossier is not None:
        links = links.filter(dossier=dossier)
    after = (-1, -1)
    while True:
        batch = list(
            links.filter(models.Q(dossier__gt=after[0]) | models.Q(dossier=after[0], seq__gt=after[1]))[
                :BATCH
            ]
        )
        if not batch:
            return
        wanted = defaultdict(set)
        for link_row in batch:
            wanted[link_row.table].add(link_row.row_id)
        rows = {}
        for label, ids in wanted.items():
            covered = COVERED.get(label)
            if covered is not None:
                pk = covered.model._meta.pk.attname
                for row in covered.model._default_manager.filter(pk__in=ids).values(*_columns(covered.model)):
                    rows[(label, row[pk])] = row
        for link_row in batch:
            yield link_row, rows.get((link_row.table, link_row.row_id))
        after = (batch[-1].dossier, batch[-1].seq)


def _unlinked(dossier: int | None) -> Iterator[Broken]:
    """Covered rows that no link covers: written behind the portal's back."""
    for covered in COVERED.values():
        linked = AuditLink.objects.filter(table=covered.label).values("row_id")
        rows = list(
            covered.model._default_manager.exclude(pk__in=linked)
            .order_by("pk")
            .values(*_columns(covered.model))
        )
        pk = covered.model._meta.pk.attname
        for row, d in zip(rows, covered.dossiers(rows), strict=True):
            if d is not None and (dossier is None or d == dossier):
                yield Broken(d, covered.label, row[pk], "inserted")


def check_and_alert() -> AuditCheck:
    """The nightly check: verify every chain, keep the result, and on the first failure (after a
    run that held, or the first run) alert the administrators in the portal and by e-mail, once."""
    from dataclasses import asdict

    from portal.models import RoleAssignment, User
    from portal.notifications import notify

    broken = verify()
    previous = AuditCheck.objects.order_by("-at", "-id").first()
    check = AuditCheck.objects.create(
        intact=not broken, broken=len(broken), first=asdict(broken[0]) if broken else {}
    )
    if broken and (previous is None or previous.intact):
        admins = RoleAssignment.objects.current().filter(role=RoleAssignment.Role.ADMIN).values("user")
        for person in User.objects.filter(
            models.Q(is_superuser=True) | models.Q(pk__in=admins), is_active=True
        ):
            notify(person, "audit_broken", None, {**check.first, "count": len(broken)})
        check.alerted = True
        check.save(update_fields=["alerted"])
    return check

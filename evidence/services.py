"""Issuing the dossier and checking a dossier against the record: one function per verb."""

from __future__ import annotations

import hashlib
import re

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override, pgettext

from evidence import documents, dossier
from evidence.models import DocumentCounter, DossierIssue, OfficialDocument
from portal import audit, signing
from portal.errors import IncompleteInput
from portal.models import AuditLink, User
from portal.pdf import render_pdf
from portal.workflow import ensure
from proposals.models import Proposal

FINGERPRINT = re.compile(r"[0-9a-f]{64}")
PRINTED = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")


def dossier_issue(*, reader: User, proposal: Proposal) -> tuple[bytes, DossierIssue]:
    """The dossier as a PDF (signed when a certificate is configured), recorded as issued."""
    ensure(
        Proposal.objects.visible_to(reader).filter(pk=proposal.pk).exists(),
        _("You may not see this proposal."),
    )
    context = dossier.gather(proposal, reader)
    pdf, signed = signing.sign_pdf(render_pdf("evidence/dossier.html", context), reason=_("Proposal dossier"))
    issue = DossierIssue.objects.create(
        proposal=proposal, fingerprint=context["fingerprint"], length=context["length"],
        sha256=hashlib.sha256(pdf).hexdigest(), signed=signed, issued_by=reader,
    )  # fmt: skip
    return pdf, issue


def fingerprint_of_file(content: bytes) -> tuple[str | None, bool]:
    """The fingerprint a dossier file stands for, and whether the portal issued exactly this file:
    by its SHA-256 first, else by the fingerprint printed on its last page."""
    issued = DossierIssue.objects.filter(sha256=hashlib.sha256(content).hexdigest()).first()
    if issued is not None:
        return issued.fingerprint, True
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(content))
        keywords = str((reader.metadata or {}).get("/Keywords", ""))
        text = keywords or "".join(page.extract_text() or "" for page in reader.pages[-2:])
    except (PdfReadError, ValueError, KeyError, TypeError):
        raise IncompleteInput({"file": _("This file is not a dossier the portal can read.")}) from None
    found = PRINTED.findall(re.sub(r"\s+", "", text))
    return (found[-1] if found else None), False


def verify(*, reader: User, fingerprint: str) -> dict:
    """Whether the record of the dossier a fingerprint was taken from still matches it: unchanged,
    changed since (with each later step), tampered (the chain is broken), or unknown (no record of
    the reader's has this fingerprint)."""
    fingerprint = (fingerprint or "").strip().lower()
    if not FINGERPRINT.fullmatch(fingerprint):
        raise IncompleteInput({"fingerprint": _("A fingerprint is 64 hexadecimal characters.")})
    link = AuditLink.objects.filter(digest=fingerprint).first()
    visible = link is not None and Proposal.objects.visible_to(reader).filter(pk=link.dossier).exists()
    if not visible:
        return {"status": "unknown", "fingerprint": fingerprint}
    proposal = Proposal.objects.get(pk=link.dossier)
    head, length = audit.fingerprint(proposal.pk)
    broken = audit.verify(proposal.pk)
    later = list(AuditLink.objects.filter(dossier=proposal.pk, seq__gt=link.seq).order_by("seq"))
    status = "tampered" if broken else ("unchanged" if head == fingerprint else "changed")
    return {
        "status": status, "fingerprint": fingerprint, "proposal": proposal, "records_then": link.seq,
        "records_now": length, "current_fingerprint": head, "broken": [str(b) for b in broken],
        "changes": [describe(item) for item in later],
    }  # fmt: skip


def describe(link: AuditLink) -> dict:
    """A later record as its reader reads it: when, what kind of record, and what it says."""
    covered = audit.COVERED.get(link.table)
    model = covered.model if covered else None
    row = model._default_manager.filter(pk=link.row_id).first() if model else None
    if row is None:
        return {"at": link.at, "record": link.table, "step": _("(no longer in the database)")}
    if hasattr(row, "history_type"):
        kinds = {"+": pgettext("record change", "added"), "~": pgettext("record change", "changed"),
                 "-": pgettext("record change", "deleted")}  # fmt: skip
        name = row.instance_type._meta.verbose_name
        return {"at": row.history_date, "record": str(name), "step": kinds.get(row.history_type, "")}
    if hasattr(row, "to_status"):
        step = f"{row.get_from_status_display()} → {row.get_to_status_display()}"
        return {"at": row.at, "record": str(model._meta.verbose_name), "step": step}
    return {
        "at": link.at,
        "record": str(model._meta.verbose_name),
        "step": pgettext("record change", "added"),
    }


def documents_of(
    *, reader: User, proposal: Proposal, steps: list | None = None
) -> list[tuple[documents.Available, OfficialDocument | None]]:
    """The official documents the record allows, each with its register entry once issued
    (`steps`: the proposal's transitions, when the page has read them)."""
    allowed = documents.available(proposal, reader, steps)
    issued = {
        (d.kind, d.source): d
        for d in OfficialDocument.objects.filter(proposal=proposal).select_related("unit")
    }
    return [(item, issued.get((item.kind, item.source))) for item in allowed]


def document_issue(*, reader: User, proposal: Proposal, key: str) -> tuple[bytes, OfficialDocument]:
    """One official document as a PDF in the Decree 30 format (signed when a certificate is set);
    numbered in its unit's register of the year on first issue, the number kept ever after."""
    ensure(
        Proposal.objects.visible_to(reader).filter(pk=proposal.pk).exists(),
        _("You may not see this proposal."),
    )
    item = next((d for d in documents.available(proposal, reader) if d.key == key), None)
    if item is None:
        raise Http404(_("The record holds no such document."))
    entry = _registered(item, proposal, reader)
    with override("vi"):
        dated = item.on or timezone.localdate(entry.issued_at)  # the day of the step: the day it was signed
        html = {**documents.context(item, proposal), "entry": entry, "today": dated}
        pdf = render_pdf(f"evidence/doc_{item.kind}.html", html)
    pdf, _signed = signing.sign_pdf(pdf, reason=entry.reference)
    return pdf, entry


def _registered(item: documents.Available, proposal: Proposal, reader: User) -> OfficialDocument:
    """The register entry of the document: made on first issue with the unit's next number."""
    existing = (
        OfficialDocument.objects.filter(kind=item.kind, source=item.source).select_related("unit").first()
    )
    if existing is not None:
        return existing
    year, symbol = timezone.localdate().year, documents.SYMBOLS[item.kind]
    try:
        with transaction.atomic():
            DocumentCounter.objects.get_or_create(unit=item.unit, year=year, symbol=symbol)
            counter = DocumentCounter.objects.select_for_update().get(
                unit=item.unit, year=year, symbol=symbol
            )
            counter.last += 1
            counter.save(update_fields=["last"])
            return OfficialDocument.objects.create(
                kind=item.kind, source=item.source, proposal=proposal, unit=item.unit, year=year,
                symbol=symbol, number=counter.last, issued_by=reader,
            )  # fmt: skip
    except IntegrityError:  # issued at the same moment by someone else: theirs stands
        return OfficialDocument.objects.select_related("unit").get(kind=item.kind, source=item.source)

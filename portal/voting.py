"""The leadership collective's vote (tập thể lãnh đạo biểu quyết, Decree 73 Art. 8(1)).

The collective of a unit is its current head and deputies. Whoever has a stake in what is voted
on — the author, a co-implementer, an implementer — is on the roll but excluded from the vote
(Art. 8: a deputy who proposed does not vote). A vote is given either per member (`votes`) or as
counts; counts can never exceed the members who may vote, and a roll must agree with the counts.

The result is the minutes: a plain dict (stored as JSON on the transition row and the object),
with codes only, so that it reads in the language of whoever opens it.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.errors import IncompleteInput
from portal.models import RoleAssignment, Unit, User
from portal.texts import note_kind

MAX_VOTES = 10_000  # a bound for input fields; the roll bounds a real vote far below it


class Ballot(models.TextChoices):
    FOR = "for", gettext_lazy("For")
    AGAINST = "against", gettext_lazy("Against")
    ABSTAIN = "abstain", gettext_lazy("Abstaining")
    ABSENT = "absent", gettext_lazy("Absent")


class Exclusion(models.TextChoices):
    AUTHOR = "author", gettext_lazy("author of the proposal")
    CO_IMPLEMENTER = "co_implementer", gettext_lazy("co-implementer of the proposal")
    IMPLEMENTER = "implementer", gettext_lazy("implementer of the pilot")


class Rule(models.TextChoices):
    MAJORITY = "majority", gettext_lazy("More than half of the votes cast were for: passed.")
    NO_MAJORITY = "no_majority", gettext_lazy("Half or fewer of the votes cast were for: not passed.")
    TIE_HEAD = "tie_head", gettext_lazy("An exact tie: the side the head voted for decides.")


def collective_of(unit: Unit) -> list[tuple[User, str]]:
    """(person, role) for the unit's current head and deputies, the head first."""
    rows = (
        RoleAssignment.objects.current()
        .filter(unit=unit, role__in=[RoleAssignment.Role.HEAD, RoleAssignment.Role.DEPUTY])
        .select_related("user")
        .order_by("role", "user__full_name", "user__username")  # "deputy" < "head": reversed below
    )
    members: dict[int, tuple[User, str]] = {}
    for row in rows:
        if row.user.is_active:
            members.setdefault(row.user_id, (row.user, row.role))
    return sorted(members.values(), key=lambda pair: (pair[1] != RoleAssignment.Role.HEAD, pair[0].full_name))


def roll_for(unit: Unit, *, exclusions: dict[int, str]) -> list[dict[str, str]]:
    """The roll of the unit's collective; `exclusions` maps a person's id to why they may not vote."""
    return [
        {
            "member": person.username,
            "name": person.full_name,
            "role": role,
            "excluded": exclusions.get(person.pk, ""),
            "vote": "",
        }
        for person, role in collective_of(unit)
    ]


def _tally(entries: list[dict[str, str]]) -> dict[str, int]:
    return {code: sum(1 for entry in entries if entry["vote"] == code) for code in Ballot.values}


def count_vote(
    *,
    unit: Unit,
    head: User,
    exclusions: dict[int, str],
    votes_for: int | None = None,
    votes_against: int | None = None,
    votes_abstain: int | None = None,
    head_vote: str | None = None,
    votes: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """Check a vote against the roll and return its minutes; IncompleteInput (400) when the
    numbers cannot be true."""
    roll = roll_for(unit, exclusions=exclusions)
    by_member = {entry["member"]: entry for entry in roll}
    eligible = [entry for entry in roll if not entry["excluded"]]
    if votes is not None:
        _apply_roll(roll, by_member, votes)
        tally = _tally(eligible)
        given = {"votes_for": votes_for, "votes_against": votes_against, "votes_abstain": votes_abstain}
        counted = {
            "votes_for": tally["for"],
            "votes_against": tally["against"],
            "votes_abstain": tally["abstain"],
        }
        if any(value is not None and value != counted[name] for name, value in given.items()):
            raise IncompleteInput(
                {
                    "votes": _(
                        "The roll gives %(for)s for, %(against)s against and %(abstain)s abstaining, "
                        "which disagrees with the counts sent."
                    )
                    % {"for": tally["for"], "against": tally["against"], "abstain": tally["abstain"]}
                }
            )
        votes_for, votes_against, votes_abstain = tally["for"], tally["against"], tally["abstain"]
        roll_head_vote = by_member.get(head.username, {}).get("vote", "")
        roll_head_vote = roll_head_vote if roll_head_vote in (Ballot.FOR, Ballot.AGAINST) else ""
        if head_vote and roll_head_vote != head_vote:
            raise IncompleteInput({"head_vote": _("The head's vote disagrees with the roll.")})
        head_vote = roll_head_vote
    votes_for, votes_against, votes_abstain = votes_for or 0, votes_against or 0, votes_abstain or 0
    cast = votes_for + votes_against + votes_abstain
    if cast > len(eligible):
        excluded = [entry for entry in roll if entry["excluded"]]
        raise IncompleteInput(
            {
                "votes_for": _(
                    "%(cast)s votes were counted, but the leadership collective of %(unit)s has "
                    "%(eligible)s members who may vote (%(excluded)s excluded)."
                )
                % {"cast": cast, "unit": unit.code, "eligible": len(eligible), "excluded": len(excluded)}
            }
        )
    counts = {"votes_for": votes_for, "votes_against": votes_against, "votes_abstain": votes_abstain}
    validate_vote(**counts, head_vote=head_vote or "")
    rule = vote_rule(**counts, head_vote=head_vote or "")
    return {
        "unit": unit.code,
        "roll": roll,
        "by_name": votes is not None,
        "eligible": len(eligible),
        "for": votes_for,
        "against": votes_against,
        "abstain": votes_abstain,
        "head": head.username,
        "head_vote": head_vote or "",
        "rule": rule,
        "passed": vote_passes(**counts, head_vote=head_vote or ""),
    }


def _apply_roll(roll: list[dict], by_member: dict[str, dict], votes: list[dict[str, str]]) -> None:
    seen: set[str] = set()
    for item in votes:
        member, ballot = str(item.get("member", "")), item.get("vote")
        if ballot not in Ballot.values:
            raise IncompleteInput({"votes": _("Each vote is for, against, abstain or absent.")})
        if member not in by_member:
            raise IncompleteInput(
                {
                    "votes": _("%(member)s is not a member of the leadership collective.")
                    % {"member": member[:150]}
                }
            )
        if member in seen:
            raise IncompleteInput({"votes": _("%(member)s appears twice in the roll.") % {"member": member}})
        seen.add(member)
        entry = by_member[member]
        if entry["excluded"]:
            raise IncompleteInput(
                {
                    "votes": _("%(member)s may not vote on this: %(reason)s.")
                    % {"member": member, "reason": Exclusion(entry["excluded"]).label}
                }
            )
        entry["vote"] = ballot
    for entry in roll:
        if not entry["excluded"] and not entry["vote"]:
            entry["vote"] = Ballot.ABSENT


def validate_vote(*, votes_for: int, votes_against: int, votes_abstain: int, head_vote: str) -> None:
    """Counts that cannot be true whatever the roll: nothing cast, or a head's vote not counted."""
    errors: dict[str, str] = {}
    if votes_for + votes_against + votes_abstain <= 0:
        errors["votes_for"] = _("At least one vote must be cast.")
    if head_vote == Ballot.FOR and votes_for < 1:
        errors["head_vote"] = _("The head voted for, so there is at least one vote for.")
    if head_vote == Ballot.AGAINST and votes_against < 1:
        errors["head_vote"] = _("The head voted against, so there is at least one vote against.")
    if errors:
        raise IncompleteInput(errors)


def vote_rule(*, votes_for: int, votes_against: int, votes_abstain: int, head_vote: str) -> str:
    """Which rule of Art. 8(1) decides: a majority of the votes cast (abstentions count as
    cast), or, on an exact half, the side the head voted for."""
    cast = votes_for + votes_against + votes_abstain
    if votes_for * 2 == cast:
        return Rule.TIE_HEAD
    return Rule.MAJORITY if votes_for * 2 > cast else Rule.NO_MAJORITY


def vote_passes(*, votes_for: int, votes_against: int, votes_abstain: int, head_vote: str) -> bool:
    rule = vote_rule(
        votes_for=votes_for, votes_against=votes_against, votes_abstain=votes_abstain, head_vote=head_vote
    )
    return rule == Rule.MAJORITY or (rule == Rule.TIE_HEAD and head_vote == Ballot.FOR)


@note_kind("vote")
def _vote_note(params: dict[str, Any]) -> str:
    return describe(params.get("minutes") or {})


def describe(minutes: dict[str, Any]) -> str:
    """The minutes as one sentence block, in the active language."""
    if not minutes:
        return ""
    lines = [
        _("For %(for)s, against %(against)s, abstaining %(abstain)s, of %(eligible)s members who may vote.")
        % {k: minutes.get(k, 0) for k in ("for", "against", "abstain", "eligible")}
    ]
    for entry in minutes.get("roll", []):
        lines.append(_member_line(entry))
    if minutes.get("head_vote"):
        lines.append(_("The head voted %(vote)s.") % {"vote": Ballot(minutes["head_vote"]).label.lower()})
    if minutes.get("rule") in Rule.values:
        lines.append(str(Rule(minutes["rule"]).label))
    return " ".join(lines)


def _member_line(entry: dict[str, str]) -> str:
    role = RoleAssignment.Role(entry["role"]).label if entry.get("role") in RoleAssignment.Role.values else ""
    who = f"{entry.get('name') or entry['member']} ({role})" if role else entry.get("name") or entry["member"]
    if entry.get("excluded") in Exclusion.values:
        return _("%(who)s: excluded, %(reason)s.") % {
            "who": who,
            "reason": Exclusion(entry["excluded"]).label,
        }
    if entry.get("vote") in Ballot.values:
        return _("%(who)s: %(vote)s.") % {"who": who, "vote": Ballot(entry["vote"]).label.lower()}
    return _("%(who)s: may vote.") % {"who": who}


def minutes_view(minutes: dict[str, Any] | None) -> dict[str, Any] | None:
    """The minutes with labels in the reader's language, for the table on a page."""
    if not minutes:
        return None
    rule = minutes.get("rule")
    head_vote = minutes.get("head_vote")
    return {
        **minutes,
        "rows": _roll_rows(minutes),
        "rule_label": Rule(rule).label if rule in Rule.values else "",
        "head_vote_label": Ballot(head_vote).label if head_vote in Ballot.values else "",
    }


def _roll_rows(minutes: dict[str, Any]) -> list[dict[str, str]]:
    rows = []
    for entry in minutes.get("roll", []):
        role = entry.get("role")
        rows.append(
            {
                **entry,
                "role_label": RoleAssignment.Role(role).label if role in RoleAssignment.Role.values else "",
                "vote_label": Ballot(entry["vote"]).label if entry.get("vote") in Ballot.values else "",
                "excluded_label": Exclusion(entry["excluded"]).label
                if entry.get("excluded") in Exclusion.values
                else "",
            }
        )
    return rows

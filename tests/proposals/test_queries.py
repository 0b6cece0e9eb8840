"""Lists cost a constant number of queries, however many proposals they show (no N+1).

Each page is loaded with 5 proposals and again with 50 (beyond a page: 25 on the pages, 20 in the
API, 10 in a home-page section); the query count must not change, and the page must show all it
should.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portal.models import User
from proposals import services
from proposals.models import Proposal
from tests.conftest import api_client_for
from tests.proposals.conftest import make_proposal

FEW, MANY = 5, 50

# (author, state, co-implementer): proposals that the page under test lists, in many shapes.
MINE = [
    ("cadre_a", "draft", None),
    ("cadre_a", "submitted", None),
    ("cadre_a", "returned", None),
    ("cadre_a", "approved", None),
    ("cadre_a2", "draft", "cadre_a"),
    ("cadre_a", "withdrawn", None),
    ("cadre_a2", "submitted", "cadre_a"),
    ("cadre_a", "collective_rejected", None),
]
IN_MY_UNITS = [  # everything ever submitted in the UBND subtree, for head_top
    ("cadre_a", "submitted", None),
    ("head_a", "submitted", None),  # reviewed by UBND, so unit ≠ reviewing unit
    ("cadre_b", "returned", None),
    ("cadre_a", "approved", None),
    ("cadre_b", "collective_rejected", None),
    ("cadre_a2", "withdrawn", None),
    ("cadre_b", "rejected", None),
    ("cadre_a", "approved_by_head", None),
    ("cadre_a2", "submitted", "cadre_a"),
]
INBOX = [  # waiting for head_a's decision
    ("cadre_a", "submitted", None),
    ("cadre_a2", "submitted", None),
    ("deputy_a", "collective_rejected", None),
    ("cadre_a", "collective_rejected", None),
    ("cadre_a2", "submitted", "cadre_a"),
]
TO_COMPLETE = [  # cadre_a's drafts and returned proposals
    ("cadre_a", "draft", None),
    ("cadre_a", "returned", None),
    ("cadre_a2", "draft", "cadre_a"),  # co-implemented: not cadre_a's to complete
]


@pytest.fixture
def org(demo) -> dict[str, User]:
    """The demo organisation and people, without the demo proposals: the lists hold exactly
    what the test builds."""
    return demo


def build(org, shape: tuple[str, str, str | None], number: int) -> Proposal:
    author, state, co_implementer = shape
    title = f"Đề xuất thử nghiệm số {number:03d}"
    if co_implementer is None:
        return make_proposal(org[author], state, title=title)
    proposal = make_proposal(org[author], "draft", title=title)
    services.co_implementer_add(actor=org[author], proposal=proposal, user=org[co_implementer])
    if state == "submitted":
        proposal = services.proposal_submit(actor=org[author], proposal=proposal)
    return proposal


@dataclass
class Shown:
    ids: list[int]
    total: int | None  # what the list counts in all (None: the home page does not say)
    html: str


def shown_on_page(response) -> Shown:
    page = response.context["page"]
    return Shown([p.pk for p in page.object_list], page.paginator.count, response.content.decode())


def shown_by_api(response) -> Shown:
    data = response.json()
    return Shown([row["id"] for row in data["results"]], data["count"], response.content.decode())


def shown_at_home(response) -> Shown:
    ids = [
        item.pk
        for section in response.context["sections"]
        for item in section.items
        if isinstance(item, Proposal)
    ]
    return Shown(ids, None, response.content.decode())


@dataclass
class Page:
    user: str
    url: str
    shapes: list
    page_size: int
    read: Callable
    counts: Callable[[Proposal], bool] = lambda proposal: True
    api: bool = False


PAGES = {
    "my proposals": Page("cadre_a", "/proposals/", MINE, 25, shown_on_page),
    "in my units": Page("head_top", "/proposals/all/", IN_MY_UNITS, 25, shown_on_page),
    "inbox": Page("head_a", "/proposals/inbox/", INBOX, 25, shown_on_page),
    "api: head": Page("head_top", "/api/v1/proposals/", IN_MY_UNITS, 20, shown_by_api, api=True),
    "api: cadre": Page("cadre_a", "/api/v1/proposals/", MINE, 20, shown_by_api, api=True),
    "api: inbox": Page("head_a", "/api/v1/proposals/?inbox=1", INBOX, 20, shown_by_api, api=True),
    "home: head": Page("head_a", "/", INBOX, 10, shown_at_home),
    "home: cadre": Page(
        "cadre_a",
        "/",
        TO_COMPLETE,
        10,
        shown_at_home,
        counts=lambda proposal: proposal.author.username == "cadre_a",
    ),
}


def client_for(org, page: Page):
    user = org[page.user]
    if page.api:
        return api_client_for(user)
    client = Client()
    client.force_login(user)
    return client


def load(client, url: str) -> tuple[object, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response, [query["sql"] for query in queries.captured_queries]


def shape_of(sql: list[str]) -> list[str]:
    """The queries with their literal values blanked, to show what was added."""
    return [re.sub(r"\b\d+\b|'[^']*'", "?", query) for query in sql]


def assert_same_queries(few: list[str], many: list[str], what: str) -> None:
    if len(few) != len(many):
        grown = Counter(shape_of(many))
        grown.subtract(Counter(shape_of(few)))
        changes = [f"{count:+d} × {query[:300]}" for query, count in grown.most_common() if count]
        pytest.fail(
            f"{what}: {len(few)} queries for {FEW} proposals, {len(many)} for {MANY} (N+1):\n"
            + "\n".join(changes[:10])
        )


def second_page(url: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}page=2"


@pytest.mark.parametrize("name", list(PAGES))
def test_a_list_costs_the_same_number_of_queries_for_5_and_50_proposals(org, name):
    page = PAGES[name]
    client = client_for(org, page)
    built: list[Proposal] = []

    def grow_to(count: int) -> list[int]:
        while len(built) < count:
            built.append(build(org, page.shapes[len(built) % len(page.shapes)], len(built)))
        return [proposal.pk for proposal in built if page.counts(proposal)]

    expected = grow_to(FEW)
    load(client, page.url)  # warm-up: per-process caches (content types, …) are filled once
    response, few_sql = load(client, page.url)
    shown = page.read(response)
    assert sorted(shown.ids) == sorted(expected)
    assert shown.total in (None, len(expected))

    expected = grow_to(MANY)
    assert len(expected) > page.page_size
    response, many_sql = load(client, page.url)
    shown = page.read(response)
    assert len(shown.ids) == page.page_size
    assert set(shown.ids) <= set(expected)
    assert shown.total in (None, len(expected))
    titles = {proposal.pk: proposal.title for proposal in built}
    for pk in shown.ids:
        assert titles[pk] in shown.html
    assert_same_queries(few_sql, many_sql, f"{name} ({page.url})")

    if shown.total is not None:
        # The next page: the rest of the proposals, for the same number of queries.
        response, next_sql = load(client, second_page(page.url))
        rest = page.read(response)
        assert len(rest.ids) == min(page.page_size, len(expected) - page.page_size)
        assert not set(rest.ids) & set(shown.ids)
        assert_same_queries(few_sql, next_sql, f"{name} ({second_page(page.url)})")

"""Pages of a list that do not count a national scope row by row (issue "Scale").

An exact `COUNT(*)` reads every row the person may see: for a national head that is the whole
table, on every page. Lists are counted exactly up to `EXACT_UP_TO` rows (the count stops
there); above that, the count shown is the planner's estimate, rounded and marked as such
("about …" on the pages; in the API, whose body is CONTRACT's, the header
`X-Count-Estimate: true`); on SQLite, lists are counted exactly.
"""

from __future__ import annotations

import json

from django.core import paginator
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

EXACT_UP_TO = 10_000
# An estimate this far above the bound is taken as it is: the planner is not ten times wrong
# about lists filtered by columns against literal values, and even a count that stops at the
# bound costs a bitmap of the whole scope.
TRUSTED_ABOVE = 10 * EXACT_UP_TO


def estimated_count(queryset: QuerySet) -> int | None:
    """The planner's estimate of the rows of `queryset` on PostgreSQL (the query is planned,
    not run); None elsewhere."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a filter on an empty list of ids: nothing to plan
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def rounded(number: int) -> int:
    """Two significant digits: an estimate should not look exact."""
    return int(float(f"{number:.2g}"))


def capped_count(queryset: QuerySet, cap: int) -> int:
    """The exact number of rows, counting no further than `cap` (a scan stops there)."""
    return queryset.order_by().values("pk")[:cap].count()


class Page(paginator.Page):
    def has_next(self) -> bool:
        """An estimated count may be short of the rows: a full page has a next one."""
        if self.paginator.estimated:
            return len(self.object_list) == self.paginator.per_page
        return super().has_next()


class Paginator(paginator.Paginator):
    """Counts exactly up to EXACT_UP_TO rows; above, the planner's estimate (never below that),
    and then every page is reachable whatever the estimate says (no clipping at its end)."""

    estimated = False

    @cached_property
    def count(self) -> int:
        if not isinstance(self.object_list, QuerySet):
            return super().count
        estimate = estimated_count(self.object_list)
        if estimate is not None and estimate > TRUSTED_ABOVE:
            # far above the bound: even counting up to the bound would read a large bitmap
            self.estimated = True
            return rounded(estimate)
        exact = capped_count(self.object_list, EXACT_UP_TO + 1)
        if exact <= EXACT_UP_TO:
            return exact
        if estimate is None:
            return super().count
        self.estimated = True
        return max(rounded(estimate), EXACT_UP_TO + 1)

    def validate_number(self, number) -> int:
        self.count  # noqa: B018 (decides whether the count is an estimate)
        if not self.estimated:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise paginator.PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise paginator.EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number) -> Page:
        number = self.validate_number(number)
        if not self.estimated:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)

    def _get_page(self, *args, **kwargs) -> Page:
        return Page(*args, **kwargs)


class PortalPagination(PageNumberPagination):
    """CONTRACT's `{"count", "next", "previous", "results"}`; when `count` is the planner's
    estimate, the answer says so in the header `X-Count-Estimate`."""

    django_paginator_class = Paginator

    def get_paginated_response(self, data) -> Response:
        response = super().get_paginated_response(data)
        if self.page.paginator.estimated:
            response["X-Count-Estimate"] = "true"
        return response

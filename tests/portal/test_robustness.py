"""No request may produce a 500: every route, logged out or in, with every method and odd ids."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

SAMPLES = {
    "id": ["1", "999999999999999999"],
    "code": ["SKHDT", "NOPE"],
    "int": ["1"],
    "str": ["x"],
    "slug": ["x"],
    "path": ["x"],
}
# A sweep of every route with every method (eight tests a route, over 1,300 in all): with the long
# campaigns (`make campaign`), beside the permission matrix that tries every route as every persona.
pytestmark = pytest.mark.campaign

SKIP_PREFIXES = ("admin/",)  # Django's own admin, covered by its test suite and test_pages.


def concrete_urls() -> list[str]:
    """One or more concrete URLs for every route of the site (converters filled with samples)."""
    urls: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            route = str(entry.pattern)
            if route.startswith("^"):  # a regex route (DRF's router): strip the anchors
                route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<str:\1>", route.strip("^$")).replace("\\.", ".")
                if "(" in route or "[" in route:
                    continue
            full = prefix + route
            if full.startswith(SKIP_PREFIXES):
                continue
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, full)
            elif isinstance(entry, URLPattern):
                variants = [full]
                for converter in set(re.findall(r"<(\w+):\w+>", full)):
                    variants = [
                        re.sub(rf"<{converter}:\w+>", sample, url, count=0)
                        for url in variants
                        for sample in SAMPLES.get(converter, ["x"])
                    ]
                urls.extend("/" + url.replace("/?", "/") for url in variants)

    walk(get_resolver().url_patterns, "")
    return sorted(set(urls))


URLS = concrete_urls()


def test_the_route_walk_finds_the_sites_routes():
    assert "/" in URLS
    assert "/api/v1/me/" in URLS
    assert "/units/NOPE/" in URLS


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_a_logged_out_request_never_gets_a_500(db, client, url, method):
    assert getattr(client, method)(url).status_code < 500


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_a_logged_in_cadre_never_gets_a_500(demo, client, url, method):
    client.force_login(demo["cadre_b"])
    response = getattr(client, method)(
        url, {"page": "abc", "q": "<script>", "language": "xx", "next": "//evil"}
    )
    assert response.status_code < 500

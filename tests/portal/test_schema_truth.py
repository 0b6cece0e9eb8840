"""The OpenAPI schema tells the truth (issue "Trust", defect 10, in part): the history and other
plain lists are arrays, not paginated objects, and every operation documents its error answers."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize("path", ["/api/v1/proposals/{id}/history/", "/api/v1/pilots/{id}/history/",
                                  "/api/v1/cases/{id}/history/", "/api/v1/obstacles/{id}/history/",
                                  "/api/v1/pilots/{id}/versions/"])  # fmt: skip
def test_a_plain_list_is_an_array(schema, path):
    answer = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer["type"] == "array"


def test_every_operation_documents_its_errors(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if method in ("post", "put", "patch"):
                assert "400" in codes, (method, path)
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]


def test_what_is_empty_or_null_before_a_step_says_so(schema):
    props = schema["components"]["schemas"]
    for component, field in (("Proposal", "decision_mode"), ("Proposal", "head_vote"), ("Pilot", "outcome")):
        refs = [item.get("$ref", "") for item in props[component]["properties"][field].get("oneOf", [])]
        assert any(ref.endswith("/BlankEnum") for ref in refs), (component, field)
    assert props["Indicator"]["properties"]["actual"]["nullable"] is True
    assert props["Unit"]["properties"]["successor"]["nullable"] is True

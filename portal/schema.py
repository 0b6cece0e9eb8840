"""What the OpenAPI schema adds to drf-spectacular's (issue "Trust", defect 10): every operation
documents the errors it can answer — 401 and 403 always; 404 where an object is named, in the
path or in the body, and for a page of a list past its end; 400 where a body or a query is read;
409 wherever data may change, since any step may be refused in an object's state — each in the
JSON shape the exception handler answers with (`portal.api.exception_handler`). schemathesis
(tests/portal/test_schemathesis.py) holds the schema to it."""

from __future__ import annotations

ERROR = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
FIELD_ERRORS = {
    "type": "object",
    "description": "A message (or a list of them) per refused field; `detail` for the body as a whole.",
    "additionalProperties": {"$ref": "#/components/schemas/FieldError"},
}
# A field's message, its messages, or — for a list or an object in the body — the same per item
# or per key.
FIELD_ERROR = {
    "oneOf": [
        {"type": "string"},
        {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}},
        {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/FieldError"}},
    ]
}
MESSAGES = {
    "400": "The body was refused: a message per field.",
    "401": "Not signed in (no session, no valid token).",
    "403": "Signed in, but not allowed to do this.",
    "404": "No such object, or one the caller may not see.",
    "409": "Not allowed in the object's current state.",
}


def document_errors(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook: the error answers of every operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("FieldErrors", FIELD_ERRORS)
    schemas.setdefault("FieldError", FIELD_ERROR)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            codes = ["401", "403"]
            changes = method in ("post", "put", "patch", "delete")
            lists = "Paginated" in str(operation.get("responses", {}).get("200", {}))
            if "{" in path or changes or lists:
                codes.append("404")
            if changes or operation.get("parameters"):
                codes.append("400")
            if changes:
                codes.append("409")
            responses = operation.setdefault("responses", {})
            for code in codes:
                schema = "FieldErrors" if code == "400" else "Error"
                responses.setdefault(code, {
                    "description": MESSAGES[code],
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
                })  # fmt: skip
    return result

"""What the OpenAPI schema adds to drf-spectacular's (issue "Trust", defect 10): every operation
documents the errors it can answer — 401 and 403 always, 404 where an object is named, 400 where
a body is read, 409 where a step may be refused in the object's state — each in the JSON shape
the exception handler answers with (`portal.api.exception_handler`)."""

from __future__ import annotations

ERROR = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
FIELD_ERRORS = {
    "type": "object",
    "description": "A message (or a list of them) per refused field; `detail` for the body as a whole.",
    "additionalProperties": {"oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]},
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
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            codes = ["401", "403"]
            if "{" in path:
                codes.append("404")
            if method in ("post", "put", "patch"):
                codes.append("400")
                if "{" in path:
                    codes.append("409")
            responses = operation.setdefault("responses", {})
            for code in codes:
                schema = "FieldErrors" if code == "400" else "Error"
                responses.setdefault(code, {
                    "description": MESSAGES[code],
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
                })  # fmt: skip
    return result

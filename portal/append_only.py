"""Defence in depth on PostgreSQL (issue "Evidence"): triggers that refuse UPDATE and DELETE on
the tables the audit chains cover, so the portal's own connection cannot rewrite the trail. The
chain still catches whoever disables them (which takes the tables' owner: run the portal as a
role that owns nothing — README, "Evidence"). Elsewhere the migrations do nothing."""

from __future__ import annotations

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION portal_audit_refuse() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql
"""
TRIGGER = "portal_audit_append_only"


def protect(*tables: str) -> migrations.RunPython:
    """A migration operation installing the refusing trigger on each table (PostgreSQL only)."""

    def forward(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(FUNCTION, params=None)
        for table in tables:
            schema_editor.execute(f'DROP TRIGGER IF EXISTS {TRIGGER} ON "{table}"')
            schema_editor.execute(
                f'CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON "{table}" '
                f"FOR EACH ROW EXECUTE FUNCTION portal_audit_refuse()"
            )

    def backward(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for table in tables:
                schema_editor.execute(f'DROP TRIGGER IF EXISTS {TRIGGER} ON "{table}"')

    return migrations.RunPython(forward, backward, elidable=False)

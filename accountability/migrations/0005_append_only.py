"""The audit trail of accountability is append-only on PostgreSQL (portal.append_only)."""

from django.db import migrations

from portal.append_only import protect


class Migration(migrations.Migration):
    dependencies = [("accountability", "0004_case_attachments"), ("portal", "0003_audit_chain")]

    operations = [
        protect(
        "accountability_historicalcase",
        "accountability_casetransition",
        "accountability_historicalcasereview",
        "accountability_historicalcaseexplanation",
        ),
    ]

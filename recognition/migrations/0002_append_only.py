"""The audit trail of recognition is append-only on PostgreSQL (portal.append_only)."""

from django.db import migrations

from portal.append_only import protect


class Migration(migrations.Migration):
    dependencies = [("recognition", "0001_initial"), ("portal", "0003_audit_chain")]

    operations = [
        protect(
        "recognition_historicalreward",
        ),
    ]

"""The audit trail of replication is append-only on PostgreSQL (portal.append_only)."""

from django.db import migrations

from portal.append_only import protect


class Migration(migrations.Migration):
    dependencies = [("replication", "0002_attachments"), ("portal", "0003_audit_chain")]

    operations = [
        protect(
        "replication_historicalinnovationmodel",
        "replication_historicalinstitutionalisation",
        "replication_institutionalisationtransition",
        ),
    ]

"""The audit trail of proposals is append-only on PostgreSQL (portal.append_only)."""

from django.db import migrations

from portal.append_only import protect


class Migration(migrations.Migration):
    dependencies = [("proposals", "0005_decision_working_days"), ("portal", "0003_audit_chain")]

    operations = [
        protect(
        "proposals_historicalproposal",
        "proposals_proposaltransition",
        ),
    ]

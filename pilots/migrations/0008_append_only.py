"""The audit trail of pilots is append-only on PostgreSQL (portal.append_only)."""

from django.db import migrations

from portal.append_only import protect


class Migration(migrations.Migration):
    dependencies = [("pilots", "0007_attachment_base"), ("portal", "0003_audit_chain")]

    operations = [
        protect(
        "pilots_historicalpilot",
        "pilots_pilottransition",
        "pilots_planversion",
        "pilots_historicalindicator",
        "pilots_historicalmilestone",
        "pilots_historicalprogressreport",
        "pilots_historicalinspection",
        "pilots_historicalcorrectiveaction",
        ),
    ]

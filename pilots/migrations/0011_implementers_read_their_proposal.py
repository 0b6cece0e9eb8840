"""An implementer may read the proposal behind their pilot: the grant the service now gives at the
pilot's creation, given to the implementers of the pilots made before."""

from django.db import migrations


def grant(apps, schema_editor):
    Pilot = apps.get_model("pilots", "Pilot")
    Permission = apps.get_model("auth", "Permission")
    Grant = apps.get_model("proposals", "ProposalUserObjectPermission")
    view = Permission.objects.filter(codename="view_proposal", content_type__app_label="proposals").first()
    if view is None:  # a new database: no pilot yet, the permission comes after the migrations
        return
    for pilot in Pilot.objects.select_related("proposal").prefetch_related("implementers").iterator(chunk_size=500):
        for person in pilot.implementers.all():
            if person.pk != pilot.proposal.author_id:
                Grant.objects.get_or_create(permission=view, user=person, content_object=pilot.proposal)


class Migration(migrations.Migration):
    dependencies = [
        ("pilots", "0010_verbose_names"),
        ("proposals", "0008_verbose_names"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

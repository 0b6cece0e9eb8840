# The directing unit is filled for every pilot by 0003; from now on it is required.
# (A migration of its own: PostgreSQL will not alter a table with pending trigger events.)

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('pilots', '0003_separation_of_duties'),
    ]

    operations = [
        migrations.AlterField(
            model_name='pilot',
            name='directing_unit',
            field=models.ForeignKey(help_text='The unit that approved the proposal, whose head directs and evaluates the pilot; its superior unit when that head carries out the pilot.', on_delete=django.db.models.deletion.PROTECT, related_name='directed_pilots', to='portal.unit', verbose_name='directing unit'),
        ),
    ]

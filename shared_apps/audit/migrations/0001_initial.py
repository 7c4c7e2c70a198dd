# The audit log moved here from the operator app in state only: the table (operator_auditlog), its rows
# and its index stay as the operator's 0001 created them, so no SQL runs (operator 0003 drops its state).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('tenants', '0004_dead_letters'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # The table exists once the operator's migrations that created it have run.
        ('operator', '0002_deletion_export'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='AuditLog',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('actor_email', models.CharField(blank=True, max_length=254)),
                        ('action', models.CharField(db_index=True, max_length=64)),
                        ('target_type', models.CharField(blank=True, max_length=64)),
                        ('target_id', models.CharField(blank=True, max_length=64)),
                        ('ip', models.GenericIPAddressField(blank=True, null=True)),
                        ('extra', models.JSONField(blank=True, default=dict)),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('tenant', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tenants.tenant')),
                    ],
                    options={
                        'db_table': 'operator_auditlog',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['tenant', '-created_at'], name='operator_au_tenant__dcc314_idx')],
                    },
                ),
            ],
        ),
    ]

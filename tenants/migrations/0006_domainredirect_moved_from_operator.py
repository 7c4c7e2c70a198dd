# Subdomain redirects moved here from the operator app in state only: routing answers them, so their model
# belongs to tenancy. The table (operator_domainredirect), its rows and indexes stay as the operator's
# 0001 created them, so no SQL runs (operator 0004 drops its state).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tenants', '0005_schema_levels'),
        # The table exists once the operator's migrations that created it have run.
        ('operator', '0003_auditlog_moved_to_audit'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='DomainRedirect',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('target_host', models.CharField(max_length=253)),
                        ('expires_at', models.DateTimeField(db_index=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('domain', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='redirect', to='tenants.domain')),
                    ],
                    options={
                        'db_table': 'operator_domainredirect',
                    },
                ),
            ],
        ),
    ]

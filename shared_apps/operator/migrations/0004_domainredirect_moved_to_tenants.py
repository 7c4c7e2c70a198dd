# Subdomain redirects moved to tenants (its 0006 takes over the model's state). State only: the table
# operator_domainredirect stays, with its rows.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('tenants', '0006_domainredirect_moved_from_operator'),
        ('operator', '0003_auditlog_moved_to_audit'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(
                    name='DomainRedirect',
                ),
            ],
        ),
    ]

# The audit log moved to shared_apps.audit (its 0001 takes over the model's state). State only: the
# table operator_auditlog and its index stay, with their rows. What remains here is a proxy, so the
# console's admin page and the operator.*_auditlog permissions keep working.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0001_initial'),
        ('operator', '0002_deletion_export'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveIndex(
                    model_name='auditlog',
                    name='operator_au_tenant__dcc314_idx',
                ),
                migrations.DeleteModel(
                    name='AuditLog',
                ),
            ],
        ),
        migrations.CreateModel(
            name='AuditLog',
            fields=[
            ],
            options={
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('audit.auditlog',),
        ),
    ]

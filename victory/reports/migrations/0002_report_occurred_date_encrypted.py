# The exact day of an incident is encrypted; only its month stays readable (issue 7, item 11).

from datetime import date

from django.db import migrations, models

import victory.core.fields


def encrypt_days(apps, schema_editor):
    """Each stored day becomes ciphertext in occurred_date, its month stays in clear."""
    Report = apps.get_model("reports", "Report")
    for report in Report.objects.filter(occurred_on__isnull=False).only("pk", "occurred_on").iterator():
        report.occurred_date = report.occurred_on.isoformat()
        report.occurred_month = report.occurred_on.replace(day=1)
        # Saved one by one (encrypted values are sealed per row, which QuerySet.update()
        # cannot do), and only these two: "updated_at" keeps the last real change.
        report.save(update_fields=["occurred_date", "occurred_month"])


def decrypt_days(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    for report in Report.objects.exclude(occurred_date="").only("pk", "occurred_date").iterator():
        report.occurred_on = date.fromisoformat(report.occurred_date)
        report.save(update_fields=["occurred_on"])


class Migration(migrations.Migration):

    dependencies = [
        # Encrypting records the key in core.EncryptionKeyUse.
        ('core', '0003_encrypted_session'),
        ('reports', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='report',
            name='occurred_date',
            field=victory.core.fields.EncryptedTextField(blank=True, default='', verbose_name='date'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='report',
            name='occurred_month',
            field=models.DateField(blank=True, db_index=True, null=True, verbose_name='month (its first day)'),
        ),
        migrations.RunPython(encrypt_days, decrypt_days, elidable=False),
        migrations.RemoveField(
            model_name='report',
            name='occurred_on',
        ),
    ]

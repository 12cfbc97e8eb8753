# Written for issue 7, item 7: requests for roles that read reports, approved by a second person.

import django.db.models.deletion
import victory.core.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='RoleGrant',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('caseworker', 'Caseworker'), ('supervisor', 'Supervisor'), ('facilitator', 'Restorative facilitator'), ('justice_liaison', 'Justice liaison'), ('analyst', 'Analyst'), ('trainer', 'Trainer'), ('org_admin', 'Organisation administrator')], max_length=32, verbose_name='role')),
                ('previous_role', models.CharField(blank=True, choices=[('caseworker', 'Caseworker'), ('supervisor', 'Supervisor'), ('facilitator', 'Restorative facilitator'), ('justice_liaison', 'Justice liaison'), ('analyst', 'Analyst'), ('trainer', 'Trainer'), ('org_admin', 'Organisation administrator')], max_length=32, verbose_name='previous role')),
                ('reason', victory.core.fields.EncryptedTextField(verbose_name='reason')),
                ('invite_language', models.CharField(blank=True, max_length=10)),
                ('status', models.CharField(choices=[('pending', 'Waiting for approval'), ('approved', 'Approved'), ('refused', 'Refused'), ('withdrawn', 'Withdrawn')], default='pending', max_length=16, verbose_name='status')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='asked on')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided on')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='role_grants_decided', to=settings.AUTH_USER_MODEL)),
                ('membership', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='role_grants', to='accounts.membership')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='role_grants', to='accounts.organisation')),
                ('requested_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='role_grants_requested', to=settings.AUTH_USER_MODEL)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='role_grants', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'role request',
                'verbose_name_plural': 'role requests',
                'ordering': ['created_at', 'pk'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('user', 'organisation', 'role'), name='unique_pending_role_grant')],
            },
        ),
    ]

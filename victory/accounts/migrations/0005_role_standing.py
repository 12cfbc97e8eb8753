"""Who gave each role, and who made each platform administrator.

``Membership.added_by`` and ``Membership.standing_from`` (the whole chain the role's
standing comes from), ``User.platform_admin_granted_by``. Rows made before this are left
empty: nobody knows now who gave them, and guessing from the audit log would be a guess.
An empty chain excludes nobody from deciding (docs/security.md says what that leaves).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_second_factor_at_rest'),
    ]

    operations = [
        migrations.AddField(
            model_name='membership',
            name='added_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='memberships_added', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='membership',
            name='standing_from',
            field=models.ManyToManyField(blank=True, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='user',
            name='platform_admin_granted_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='platform_admins_granted', to=settings.AUTH_USER_MODEL),
        ),
    ]

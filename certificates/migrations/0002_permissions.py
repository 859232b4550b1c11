"""Administrators manage certificate templates in the Wagtail admin and every certificate;
HR works on certificates through the register pages, scoped by the permission helper."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMINISTRATOR = "管理员"


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    administrator, _ = Group.objects.get_or_create(name=ADMINISTRATOR)
    administrator.permissions.add(
        *Permission.objects.filter(content_type__app_label="certificates")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0001_initial"),
        ("people", "0004_programme_permissions"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

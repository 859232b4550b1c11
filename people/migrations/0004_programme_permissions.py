"""Administrators maintain the annual programme and may touch the ledger in the admin;
HR works on the ledger through the HR pages, scoped by the permission helper."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMINISTRATOR = "管理员"
PROGRAMME_MODELS = (
    "annualprogramme",
    "programmephase",
    "hourrequirement",
    "creditrule",
    "unittarget",
)


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    administrator, _ = Group.objects.get_or_create(name=ADMINISTRATOR)
    administrator.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="people", content_type__model__in=PROGRAMME_MODELS
        )
    )


class Migration(migrations.Migration):
    dependencies = [("people", "0003_ledger_and_programme")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

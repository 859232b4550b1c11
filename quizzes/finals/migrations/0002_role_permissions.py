"""Trainers set up finals (teams, rounds, questions); administrators may do anything.

Driving a final is not a model permission: only its hosts (and administrators) may.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TRAINER, ADMINISTRATOR = "教员", "管理员"
TRAINER_MODELS = ("final", "team", "round", "roundquestion")


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    finals = Permission.objects.filter(content_type__app_label="finals")
    trainer, _ = Group.objects.get_or_create(name=TRAINER)
    trainer.permissions.add(
        *finals.filter(content_type__model__in=TRAINER_MODELS),
        *finals.filter(codename="view_action"),
    )
    administrator, _ = Group.objects.get_or_create(name=ADMINISTRATOR)
    administrator.permissions.add(*finals)


class Migration(migrations.Migration):
    dependencies = [
        ("finals", "0001_initial"),
        ("people", "0002_roles_and_domains"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

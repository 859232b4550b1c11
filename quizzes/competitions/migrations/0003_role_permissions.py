"""Trainers set up competitions, criteria and entries; HR uploads entries of its units;
administrators may do anything. Judging is not a model permission: panel judges score."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TRAINER, HR, ADMINISTRATOR = "教员", "人事", "管理员"
TRAINER_MODELS = ("competition", "judgingcriterion", "entry")


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    competitions = Permission.objects.filter(content_type__app_label="competitions")
    trainer, _ = Group.objects.get_or_create(name=TRAINER)
    trainer.permissions.add(
        *competitions.filter(content_type__model__in=TRAINER_MODELS),
        *competitions.filter(codename__in=["view_award", "view_scoresheet"]),
    )
    hr, _ = Group.objects.get_or_create(name=HR)
    hr.permissions.add(
        *competitions.filter(content_type__model="entry"),
        *competitions.filter(codename__in=["view_competition", "view_award"]),
    )
    administrator, _ = Group.objects.get_or_create(name=ADMINISTRATOR)
    administrator.permissions.add(*competitions)


class Migration(migrations.Migration):
    dependencies = [
        ("competitions", "0002_judging_and_awards"),
        ("people", "0002_roles_and_domains"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

"""Trainers author the bank and quizzes and grade answers; HR may open the admin (for exam
analysis, scoped to its units); administrators may do anything."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TRAINER, HR, ADMINISTRATOR = "教员", "人事", "管理员"
TRAINER_MODELS = ("category", "question", "casepart", "quiz", "drawrule", "fixedquestion")


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    quizzes = Permission.objects.filter(content_type__app_label="quizzes")
    trainer, _ = Group.objects.get_or_create(name=TRAINER)
    trainer.permissions.add(
        *quizzes.filter(content_type__model__in=TRAINER_MODELS),
        *quizzes.filter(codename__in=["view_attempt", "change_attempt", "view_integrityevent"]),
    )
    # HR reads exam analysis in the admin, limited there to its own units' officers.
    hr, _ = Group.objects.get_or_create(name=HR)
    hr.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    administrator, _ = Group.objects.get_or_create(name=ADMINISTRATOR)
    administrator.permissions.add(*quizzes)


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0001_initial"),
        ("people", "0002_roles_and_domains"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

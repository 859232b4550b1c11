"""Gives trainers (and administrators) the regulation library in the Wagtail admin.

`add_regulation` stands for "may import a regulation text": regulations and their articles are
only ever created by an import, never typed in. Resolving a "needs review" flag is
`change_reviewflag`. Trainers already hold add/change/publish page permissions on the root
page (people 0002), which covers creating the course index, courses and lessons; they are
re-asserted here in case that migration ran before the root page existed.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TRAINER, ADMINISTRATOR = "教员", "管理员"
LIBRARY = [
    "courses.view_regulation",
    "courses.add_regulation",
    "courses.view_article",
    "courses.view_reviewflag",
    "courses.change_reviewflag",
]
# Administrators may also correct a regulation's metadata (kind, issuing body, status).
ADMINISTRATOR_ONLY = ["courses.change_regulation"]
PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]


def ensure_permissions(apps):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def permissions(Permission, specs):
    found = []
    for spec in specs:
        app_label, codename = spec.split(".")
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


def forwards(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")

    trainer, _ = Group.objects.get_or_create(name=TRAINER)
    trainer.permissions.add(*permissions(Permission, LIBRARY))
    administrator, _ = Group.objects.get_or_create(name=ADMINISTRATOR)
    administrator.permissions.add(*permissions(Permission, LIBRARY + ADMINISTRATOR_ONLY))

    root_page = Page.objects.filter(depth=1).first()
    if root_page is not None:
        for permission in permissions(
            Permission, [f"wagtailcore.{codename}" for codename in PAGE_PERMISSIONS]
        ):
            GroupPagePermission.objects.get_or_create(
                group=trainer, page=root_page, permission=permission
            )


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    library = permissions(Permission, LIBRARY + ADMINISTRATOR_ONLY)
    for group in Group.objects.filter(name__in=[TRAINER, ADMINISTRATOR]):
        group.permissions.remove(*library)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0002_courseindexpage_coursepage_lessonpage_enrollment_and_more"),
        ("people", "0002_roles_and_domains"),
        ("wagtailcore", "0098_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

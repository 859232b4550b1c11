"""Creates the platform's role groups with their permissions, and the enforcement domains."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

DOMAINS = [
    ("press", "新闻出版"),
    ("copyright", "版权"),
    ("performance", "演艺娱乐"),
    ("relics", "文物"),
    ("broadcasting", "广播影视"),
    ("internet", "网吧与网络"),
]

OFFICER, TRAINER, HR, ADMINISTRATOR = "学员", "教员", "人事", "管理员"


def ensure_permissions(apps):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def perms(Permission, *specs):
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
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Domain = apps.get_model("people", "Domain")

    for order, (code, name) in enumerate(DOMAINS, start=1):
        Domain.objects.update_or_create(code=code, defaults={"name": name, "order": order})

    Group.objects.get_or_create(name=OFFICER)
    Group.objects.get_or_create(name=HR)

    admin_access = perms(Permission, "wagtailadmin.access_admin")
    trainer, _ = Group.objects.get_or_create(name=TRAINER)
    trainer.permissions.add(*admin_access)
    root_page = Page.objects.filter(depth=1).first()
    if root_page is not None:
        for codename in ("add_page", "change_page", "publish_page", "lock_page"):
            (permission,) = perms(Permission, f"wagtailcore.{codename}")
            GroupPagePermission.objects.get_or_create(
                group=trainer, page=root_page, permission=permission
            )
    root_collection = Collection.objects.filter(depth=1).first()
    if root_collection is not None:
        for spec in (
            "wagtailimages.add_image",
            "wagtailimages.change_image",
            "wagtailimages.choose_image",
            "wagtaildocs.add_document",
            "wagtaildocs.change_document",
            "wagtaildocs.choose_document",
        ):
            (permission,) = perms(Permission, spec)
            GroupCollectionPermission.objects.get_or_create(
                group=trainer, collection=root_collection, permission=permission
            )

    administrator, _ = Group.objects.get_or_create(name=ADMINISTRATOR)
    administrator.permissions.add(
        *admin_access,
        *Permission.objects.filter(content_type__app_label="people"),
        *perms(Permission, "auth.add_group", "auth.change_group", "auth.view_group"),
    )


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=[OFFICER, TRAINER, HR, ADMINISTRATOR]
    ).delete()
    apps.get_model("people", "Domain").objects.filter(code__in=[c for c, _ in DOMAINS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

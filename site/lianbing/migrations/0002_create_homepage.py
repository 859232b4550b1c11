"""Replaces Wagtail's default welcome page with the portal's home page."""

from django.db import migrations

INTRO = "文化市场综合执法队伍“能力提升年”学习培训、考试与竞赛平台"


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    HomePage = apps.get_model("lianbing", "HomePage")

    if HomePage.objects.exists():
        return
    # Wagtail's initial migration creates a placeholder page at depth 2.
    Page.objects.filter(depth=2, content_type__model="page", slug="home").delete()
    root = Page.objects.get(depth=1)
    content_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="lianbing")
    locale = Locale.objects.order_by("pk").first()
    home = HomePage.objects.create(
        title="练兵",
        draft_title="练兵",
        slug="home",
        content_type=content_type,
        path=f"{root.path}0001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        intro=INTRO,
        live=True,
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save()
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "练兵"},
    )


def backwards(apps, schema_editor):
    apps.get_model("lianbing", "HomePage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("lianbing", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

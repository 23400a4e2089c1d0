"""Seed what every Gebrak site needs before content arrives.

- the two content languages (Indonesian default, English);
- the six destination categories the import format names;
- the moderation workflow: editors submit, the Moderators group approves.
  Wagtail's own migrations create "Moderators approval" on the root page; this
  makes sure it exists and is active, whatever state the database was in.
"""

from django.db import migrations

CATEGORIES = [
    ("nature", "Alam", "Nature"),
    ("religious", "Religi", "Religious"),
    ("culture", "Budaya", "Culture"),
    ("culinary", "Kuliner", "Culinary"),
    ("shopping", "Belanja", "Shopping"),
    ("recreation", "Rekreasi", "Recreation"),
]


def seed(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    Category = apps.get_model("tourism", "Category")
    Group = apps.get_model("auth.Group")
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    for code in ("id", "en"):
        Locale.objects.get_or_create(language_code=code)
    for order, (key, name_id, name_en) in enumerate(CATEGORIES):
        Category.objects.update_or_create(key=key, defaults={"name_id": name_id, "name_en": name_en,
                                                            "sort_order": order})

    moderators, _ = Group.objects.get_or_create(name="Moderators")
    Group.objects.get_or_create(name="Editors")
    root = Page.objects.filter(depth=1).first()
    if root is None:
        return
    if WorkflowPage.objects.filter(page=root).exists():
        workflow = WorkflowPage.objects.get(page=root).workflow
        workflow.active = True
        workflow.save()
        return
    task_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task = GroupApprovalTask.objects.create(name="Persetujuan moderator", content_type=task_type, active=True)
    task.groups.set([moderators])
    workflow = Workflow.objects.create(name="Moderasi konten", active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=root)


class Migration(migrations.Migration):
    dependencies = [
        ("tourism", "0001_initial"),
        ("wagtailcore", "0048_add_default_workflows"),
        ("wagtailcore", "0098_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

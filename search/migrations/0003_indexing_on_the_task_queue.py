"""Search indexing moves onto the task queue (search.indexing.documents_index): the documents
still waiting in the old IndexingTask queue become one indexing task, then the table goes."""

from django.db import migrations


def move_waiting_documents(apps, schema_editor):
    IndexingTask = apps.get_model("search", "IndexingTask")
    keys = sorted(set(IndexingTask.objects.values_list("key", flat=True)))
    if keys:
        # The task builds the documents from the database when it runs: nothing of
        # today's models is needed here, only the keys.
        from search.indexing import enqueue_indexing

        enqueue_indexing(keys)


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0002_database_full_text"),
        # The queue's table must exist to take the task.
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.RunPython(move_waiting_documents, migrations.RunPython.noop),
        migrations.DeleteModel(name="IndexingTask"),
    ]

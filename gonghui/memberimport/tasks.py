"""The background path of mass enrolment: files over 5,000 rows are applied by the task worker
(``manage.py db_worker`` with django-tasks' database backend), so the upload request returns at
once and the page polls the batch's progress."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_tasks import task

from gonghui.memberimport.models import ImportBatch


@task()
def apply_batch_task(batch_id: int, actor_id: int | None, mode: str) -> str:
    from gonghui.memberimport import services

    batch = ImportBatch.objects.select_related("organisation").get(pk=batch_id)
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    # The worker runs one task at a time: the rows are checked in a second process meanwhile.
    batch = services.batch_apply(actor=actor, batch=batch, mode=mode, apart=True)
    return str(batch.status)

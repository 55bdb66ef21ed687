"""Background work for members: the spreadsheet import's preview and apply.

The tasks carry ids only and the functions they call re-read the import under a lock,
so a task delivered twice does its work once (see members/importing.py).
"""

from __future__ import annotations

from django_tasks import task

from compagnon.members.importing import member_import_apply_run, member_import_preview_run


@task()
def member_import_preview_task(pk: int) -> str:
    return member_import_preview_run(pk=pk)


@task()
def member_import_apply_task(pk: int, user_id: int | None) -> str:
    return member_import_apply_run(pk=pk, user_id=user_id)

"""Background work for cases: announcing an opened case on the club's chat."""

from __future__ import annotations

import json
import logging
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from django_tasks import task

from compagnon.cases.chat import case_announcement_text
from compagnon.cases.models import Case, CaseStatus
from compagnon.cases.services import case_is_announced

logger = logging.getLogger(__name__)

WEBHOOK_TIMEOUT_SECONDS = 10


@task()
def case_announce(case_id: int) -> bool:
    """POST "New case open for interest" to CHAT_WEBHOOK_URL; False when there is nothing to send.

    Checked again here, not only when enqueued: the case may have moved on,
    or its confidentiality changed, while the task waited in the queue.
    """
    url = settings.CHAT_WEBHOOK_URL
    if not url:
        return False
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        logger.error("CHAT_WEBHOOK_URL must be an http(s) address; announcement skipped")
        return False
    case = Case.objects.select_related("organisation").filter(pk=case_id).first()
    if case is None or case.status != CaseStatus.OPEN or not case_is_announced(case):
        return False
    with translation.override(settings.LANGUAGE_CODE):
        payload = {"text": case_announcement_text(case)}
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    # The scheme is checked above: no file:// or other handler can be reached.
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
        response.read()
    logger.info("case announced case=%s", case.pk)
    return True

"""The chat server's door for button clicks (Mattermost interactive message actions)."""

from __future__ import annotations

import json

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from compagnon.chat.services import chat_action_receive

MAX_BODY_BYTES = 64 * 1024


@csrf_exempt  # a server-to-server call, authenticated by the token in its context
@require_POST
def action(request: HttpRequest) -> JsonResponse:
    if len(request.body) > MAX_BODY_BYTES:
        return JsonResponse({}, status=413)
    try:
        payload = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({}, status=400)
    answer = chat_action_receive(payload=payload)
    return JsonResponse(answer.as_json(), status=answer.status)

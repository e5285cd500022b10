# myapp/views.py
from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_POST
from myapp.tasks import count_words
from myapp.tasks import notify


@require_POST
def submit(request: HttpRequest) -> JsonResponse:
    result = count_words.enqueue(request.POST["text"])
    # At most 15 minutes ahead with SQSBackend.
    later = notify.using(run_after=timezone.now() + timedelta(minutes=5))
    later.enqueue(request.POST["email"])
    return JsonResponse({"task": result.id}, status=202)

# settings.py: each task is an asynchronous invocation of this function.
from __future__ import annotations

TASKS = {
    "default": {
        "BACKEND": "apig_wsgi.contrib.django.tasks.LambdaBackend",
    },
}

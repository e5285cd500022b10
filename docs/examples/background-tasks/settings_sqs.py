# settings.py: tasks go to an SQS queue that triggers the same function.
from __future__ import annotations

import os

TASKS = {
    "default": {
        "BACKEND": "apig_wsgi.contrib.django.tasks.SQSBackend",
        "OPTIONS": {"QUEUE_URL": os.environ["TASKS_QUEUE_URL"]},
    },
}

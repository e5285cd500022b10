"""Background work of the guestbook, run by Django's tasks framework.

On Lambda, ``enqueue()`` sends the task to the SQS queue of the site stack,
and the queue's event source mapping runs it in this same function; locally
and in the tests it runs at once (see ``TASKS`` in the settings).
"""

from __future__ import annotations

import logging

from django.tasks import task

from example_site.guestbook.models import Entry
from example_site.guestbook.models import ThankYou

logger = logging.getLogger(__name__)


@task
def thank_signer(entry_id: int) -> bool:
    """Record a thank-you note for a new entry; True if this run recorded it.

    SQS delivers a message at least once and retries failures, so the task
    may run more than once for one entry: the note is keyed on the entry,
    and a second run finds it and records nothing.
    """
    entry = Entry.objects.filter(pk=entry_id).first()
    if entry is None:
        logger.warning("Guestbook entry %d is gone: nobody to thank.", entry_id)
        return False
    _, created = ThankYou.objects.get_or_create(
        entry=entry, defaults={"note": f"Thank you for signing, {entry.name}!"}
    )
    return created

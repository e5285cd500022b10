"""A page backed by the database: read the latest entries, add one."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from example_site.guestbook.forms import EntryForm
from example_site.guestbook.models import Entry
from example_site.guestbook.tasks import thank_signer

LATEST = 20


@require_http_methods(["GET", "HEAD", "POST"])
def guestbook(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = EntryForm(request.POST)
        if form.is_valid():
            entry = form.save()
            # Once committed, so that the task finds the entry. A failed
            # enqueue is logged and leaves the entry signed, without a note.
            transaction.on_commit(lambda: thank_signer.enqueue(entry.pk), robust=True)
            # Redirect after POST, so a reload does not sign twice.
            return redirect("guestbook")
    else:
        form = EntryForm()
    return render(
        request,
        "guestbook/guestbook.html",
        {
            "form": form,
            "entries": Entry.objects.select_related("thank_you")[:LATEST],
            "count": Entry.objects.count(),
        },
        status=400 if form.errors else 200,
    )

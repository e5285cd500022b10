"""A page backed by the database: read the latest entries, add one."""

from __future__ import annotations

from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from example_site.guestbook.forms import EntryForm
from example_site.guestbook.models import Entry

LATEST = 20


@require_http_methods(["GET", "HEAD", "POST"])
def guestbook(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = EntryForm(request.POST)
        if form.is_valid():
            form.save()
            # Redirect after POST, so a reload does not sign twice.
            return redirect("guestbook")
    else:
        form = EntryForm()
    return render(
        request,
        "guestbook/guestbook.html",
        {
            "form": form,
            "entries": Entry.objects.all()[:LATEST],
            "count": Entry.objects.count(),
        },
        status=400 if form.errors else 200,
    )

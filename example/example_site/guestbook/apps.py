from __future__ import annotations

from django.apps import AppConfig


class GuestbookConfig(AppConfig):
    name = "example_site.guestbook"
    verbose_name = "Guestbook"

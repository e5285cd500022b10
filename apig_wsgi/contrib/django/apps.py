from __future__ import annotations

from django.apps import AppConfig


class ApigWsgiConfig(AppConfig):
    name = "apig_wsgi.contrib.django"
    label = "apig_wsgi"
    verbose_name = "apig-wsgi"

    def ready(self) -> None:
        from apig_wsgi.contrib.django import checks
        from apig_wsgi.contrib.django import events

        checks.register()
        events.autodiscover()

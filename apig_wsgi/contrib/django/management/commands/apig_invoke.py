from __future__ import annotations

import argparse
import io
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.core.management.base import CommandParser

from apig_wsgi.cli import add_request_arguments
from apig_wsgi.cli import run_invoke


class Command(BaseCommand):
    help = (
        "Call this project's Lambda handler with one event, without AWS, and "
        "print the Lambda result (or with --decoded the HTTP response)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_request_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            # Imported here: the module builds the handler, which can fail
            # on invalid settings. Built again so the current settings apply.
            from apig_wsgi.contrib.django.handler import build_lambda_handler

            handler = build_lambda_handler()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        out = io.StringIO()
        err = io.StringIO()
        returncode = run_invoke(handler, argparse.Namespace(**options), out, err)
        # OutputWrapper would add a newline to every write(), so write once.
        self.stdout.write(out.getvalue(), ending="")
        message = err.getvalue()
        if returncode != 0:
            raise CommandError(
                message.strip().removeprefix("Error: "), returncode=returncode
            )
        # Notes such as "the integration would reject this" on success.
        self.stderr.write(message, ending="")

"""``flask apig invoke``: the same options and output as Django's ``apig_invoke``."""

from __future__ import annotations

import argparse
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from apig_wsgi.contrib.flask.state import get_lambda_handler

apig_cli = AppGroup("apig", help="Run requests through the app's AWS Lambda handler.")


@apig_cli.command(
    "invoke",
    # argparse parses everything, --help included, so the options and the
    # help text are exactly those of the shared implementation.
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
    help="Send one request through the Lambda handler and print the result.",
)
@click.argument("arguments", nargs=-1, type=click.UNPROCESSED)
def invoke(arguments: tuple[str, ...]) -> None:
    # Imported here so that Lambda cold starts never load the CLI code.
    from apig_wsgi.cli import add_request_arguments
    from apig_wsgi.cli import run_invoke

    parser = argparse.ArgumentParser(
        prog="flask apig invoke",
        description="Send one request through the Lambda handler and print the result.",
    )
    add_request_arguments(parser)
    try:
        args = parser.parse_args(arguments)
        status = run_invoke(
            get_lambda_handler(current_app), args, sys.stdout, sys.stderr
        )
    finally:
        # Click 8.1's CliRunner (the last for Python 3.9) reads the captured
        # stderr without flushing it first.
        sys.stderr.flush()
    if status:
        click.get_current_context().exit(status)

from __future__ import annotations

import os
from collections.abc import Iterator

import django
import pytest

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.contrib.django.project.settings"
django.setup()

# The tasks framework arrived in Django 6.0; test_tasks_need_django_6 covers
# what older versions say.
collect_ignore = ["tasks"] if django.VERSION < (6, 0) else []


@pytest.fixture(scope="session")
def migrated() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


@pytest.fixture
def database(migrated: None) -> Iterator[None]:
    """The test project's database, emptied after the test."""
    from django.contrib.auth.models import Group
    from django.contrib.auth.models import User
    from django.contrib.sessions.models import Session

    yield
    Session.objects.all().delete()
    User.objects.all().delete()
    Group.objects.all().delete()

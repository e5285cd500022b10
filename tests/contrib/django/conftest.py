from __future__ import annotations

import os

import django

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.contrib.django.project.settings"
django.setup()

# The tasks framework arrived in Django 6.0; test_tasks_need_django_6 covers
# what older versions say.
collect_ignore = ["tasks"] if django.VERSION < (6, 0) else []

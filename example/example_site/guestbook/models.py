from __future__ import annotations

import datetime

from django.db import models


class Entry(models.Model):
    """One signature in the guestbook."""

    name: models.CharField[str, str] = models.CharField(max_length=100)
    message: models.TextField[str, str] = models.TextField(max_length=1000)
    created: models.DateTimeField[datetime.datetime, datetime.datetime] = (
        models.DateTimeField(auto_now_add=True, db_index=True)
    )

    class Meta:
        ordering = ("-created", "-id")
        verbose_name_plural = "entries"

    def __str__(self) -> str:
        return f"{self.name}: {self.message[:40]}"


class ThankYou(models.Model):
    """The note a background task records for each new entry, once."""

    entry: models.OneToOneField[Entry, Entry] = models.OneToOneField(
        Entry, on_delete=models.CASCADE, related_name="thank_you"
    )
    note: models.CharField[str, str] = models.CharField(max_length=200)
    created: models.DateTimeField[datetime.datetime, datetime.datetime] = (
        models.DateTimeField(auto_now_add=True)
    )

    class Meta:
        verbose_name = "thank-you note"

    def __str__(self) -> str:
        return self.note

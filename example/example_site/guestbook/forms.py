from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms

from example_site.guestbook.models import Entry

# django-stubs makes ModelForm generic; Django's class cannot be subscripted.
if TYPE_CHECKING:
    EntryFormBase = forms.ModelForm[Entry]
else:
    EntryFormBase = forms.ModelForm


class EntryForm(EntryFormBase):
    class Meta:
        model = Entry
        fields = ("name", "message")

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin

from example_site.guestbook.models import Entry

# django-stubs makes ModelAdmin generic; Django's class cannot be subscripted.
if TYPE_CHECKING:
    EntryAdminBase = admin.ModelAdmin[Entry]
else:
    EntryAdminBase = admin.ModelAdmin


@admin.register(Entry)
class EntryAdmin(EntryAdminBase):
    list_display = ("name", "created", "message", "thanked")
    list_select_related = ("thank_you",)
    search_fields = ("name", "message")
    date_hierarchy = "created"

    @admin.display(boolean=True, description="Thanked")
    def thanked(self, entry: Entry) -> bool:
        # The reverse accessor raises an AttributeError until the task ran.
        return hasattr(entry, "thank_you")

from __future__ import annotations

from collections.abc import Awaitable
from typing import Callable
from typing import cast

from asgiref.sync import iscoroutinefunction
from asgiref.sync import markcoroutinefunction
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from apig_wsgi.context import ApigContext


class ApigContextMiddleware:
    """Set ``request.apig_context``: an ``ApigContext``, or None outside Lambda."""

    sync_capable = True
    async_capable = True

    def __init__(
        self,
        get_response: (
            Callable[[HttpRequest], HttpResponseBase]
            | Callable[[HttpRequest], Awaitable[HttpResponseBase]]
        ),
    ) -> None:
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(self.get_response)
        if self.async_mode:
            # Django checks this marker to await the middleware.
            markcoroutinefunction(self)

    def __call__(
        self, request: HttpRequest
    ) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if self.async_mode:
            return self.__acall__(request)
        request.apig_context = ApigContext.from_environ(request.META)  # type: ignore[attr-defined]
        return self.get_response(request)

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        request.apig_context = ApigContext.from_environ(request.META)  # type: ignore[attr-defined]
        get_response = cast(
            Callable[[HttpRequest], Awaitable[HttpResponseBase]], self.get_response
        )
        return await get_response(request)

"""Static file URLs under the request's script prefix.

Django adds the script prefix to a relative STATIC_URL only once, on first
use, and keeps it. This function answers several fronts at once, and only the
REST API's stage puts a prefix (``/live``) in SCRIPT_NAME, so the prefix is
added to each URL when it is built, for the request being served. WhiteNoise
serves the files under ``/static/`` of the path after the prefix either way.
"""

from __future__ import annotations

from django.urls import get_script_prefix
from whitenoise.storage import CompressedManifestStaticFilesStorage  # type: ignore[import-untyped]


class ScriptPrefixedStaticFilesStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    def url(self, name: str | None, force: bool = False) -> str:
        return get_script_prefix().rstrip("/") + str(super().url(name, force))

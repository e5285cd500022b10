"""The ``apig_wsgi`` logger, made on first use.

Only warnings and the opt-in access log need ``logging``; importing it
lazily keeps it out of every cold start.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from logging import Logger


def get_logger() -> Logger:
    import logging

    return logging.getLogger("apig_wsgi")

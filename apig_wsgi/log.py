"""The loggers of apig_wsgi, with ``logging`` imported on first use.

Importing ``logging`` costs more than importing the rest of ``apig_wsgi``
(bench/run.py's import row), and most invocations never log.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from logging import Logger


def logger(name: str) -> Logger:
    """``logging.getLogger(name)``: the module's logger, a child of apig_wsgi's."""
    import logging

    return logging.getLogger(name)

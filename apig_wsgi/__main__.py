"""``python -m apig_wsgi``: see ``apig_wsgi.cli``."""

from __future__ import annotations

from apig_wsgi.cli import main

__all__ = ("main",)

if __name__ == "__main__":
    raise SystemExit(main())

"""``python -m apig_wsgi.runtime [HANDLER]``: the Lambda runtime loop."""

from __future__ import annotations

from apig_wsgi.runtime.loop import main

raise SystemExit(main())

"""A Lambda runtime that streams WSGI responses; see ``docs/streaming.rst``."""

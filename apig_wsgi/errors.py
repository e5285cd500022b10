from __future__ import annotations


class InvalidEventError(ValueError):
    """The Lambda event is not an HTTP event this package understands.

    Raised for unknown event shapes and for HTTP events with missing keys,
    values of the wrong type or bodies that do not decode. It subclasses
    ``ValueError`` because callers of earlier releases catch that.
    """

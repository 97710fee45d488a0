"""Exception types with one-line messages.

Every error a user can provoke (bad dates, unknown source, no data) is a
``RotationError``; the CLI prints its message on one line and exits non-zero
instead of showing a traceback.
"""


class RotationError(Exception):
    """Base class: the message is meant to be shown to the user as is."""


class BadInputError(RotationError, ValueError):
    """An argument the user supplied cannot be used (date, source, ticker list...)."""


class DataUnavailableError(RotationError):
    """No source (live, cache or snapshot) could serve the requested data."""

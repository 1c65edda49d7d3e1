"""Exception family of corridor.

Every error a user can cause is a :class:`CorridorError` whose message is one
line naming the file, the record and the field, and saying what would be
valid. The command line prints that line and exits non-zero.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class CorridorError(ValueError):
    """Base class of every error corridor raises on bad input."""


class NetworkFileError(CorridorError):
    """A network file (hubs, links, GeoPackage) is malformed or invalid."""


class UnknownHubError(CorridorError):
    """A hub name or id matches no hub of the network."""


class NoRouteError(CorridorError):
    """No route joins two hubs under the chosen profile, modes and year."""


class ScenarioError(CorridorError):
    """A scenario file is malformed or refers to something that does not exist."""


class ParameterError(CorridorError):
    """A model parameter override is unknown or has the wrong type."""


def did_you_mean(value: object, choices: Iterable[str]) -> str:
    """`` (did you mean 'X'?)`` for the choice closest to ``value``, or ``""`` when none is close.

    Parameters
    ----------
    value
        What the user wrote.
    choices
        The valid names.

    Returns
    -------
    str
        A suffix for an error message.
    """
    close = difflib.get_close_matches(str(value), list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""

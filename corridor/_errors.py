"""Exception family of corridor.

Every error a user can cause is a :class:`CorridorError` whose message is one
line naming the file, the record and the field, and saying what would be
valid. The command line prints that line and exits non-zero.
"""

from __future__ import annotations


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

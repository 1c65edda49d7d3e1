"""Parameters of the travel-time and cost model.

The defaults live in ``corridor/model.toml`` with a comment on each value;
:class:`ModelParams` reads them, applies overrides (from a scenario file or a
``--params`` file) and answers the questions the graph builder asks: how fast
a profile moves on a mode, how long a terminal or border takes, what a
kilometre costs.
"""

from __future__ import annotations

import copy
import math
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from corridor._errors import ParameterError
from corridor.settings import MODES, PROFILES

DEFAULTS_FILE = Path(__file__).with_name("model.toml")

_PER_MODE = ("speed_factor", "speed_kmh", "max_speed_kmh", "dwell_h", "terminal_h", "cost_per_km", "co2_g_per_km", "co2_g_per_lift")
_SCALAR = ("urban_h", "border_h", "value_of_time", "terminal_cost", "share_scale", "access_kmh", "gravity_half_life_h")

#: Mode-share parameters keyed by mode chain (``"rail+sea"``), not by mode; see :mod:`corridor.shares`.
_PER_CHAIN = ("share_constants",)

#: Flags (true or false).
_FLAGS = ("shares_calibrated",)


class ModelParams:
    """Travel-time and cost parameters for both profiles.

    Parameters
    ----------
    overrides
        Nested mapping in the layout of ``model.toml``; values replace the
        defaults key by key.
    source
        Where the overrides came from, named in error messages.

    Attributes
    ----------
    data
        The parameters by profile, in the layout of ``model.toml``.
    use_section_times
        Whether passenger links take their published fastest section time
        where one is given (``False`` runs the speed model everywhere).

    Raises
    ------
    ParameterError
        For an override of an unknown profile, parameter or mode, or a value of the wrong type or sign.
    """

    def __init__(self, overrides: Mapping[str, Any] | None = None, *, source: str = "params") -> None:
        with DEFAULTS_FILE.open("rb") as f:
            self.data: dict[str, dict[str, Any]] = tomllib.load(f)
        if overrides:
            self.data = _merged(self.data, overrides, source)
        #: Whether passenger links take their published fastest section time where one is given
        #: (``False`` runs the speed model everywhere, to validate it against published times).
        self.use_section_times = True

    @classmethod
    def from_file(cls, path: str | Path) -> ModelParams:
        """Read overrides from a TOML file in the layout of ``model.toml``.

        Parameters
        ----------
        path
            The TOML file.

        Returns
        -------
        ModelParams
            The defaults with the file's values on top.

        Raises
        ------
        ParameterError
            When the file is missing, is not TOML, or holds an invalid override.
        """
        try:
            with Path(path).open("rb") as f:
                return cls(tomllib.load(f), source=str(path))
        except FileNotFoundError:
            msg = f"{path}: no such parameters file"
            raise ParameterError(msg) from None
        except (OSError, tomllib.TOMLDecodeError) as exc:
            msg = f"{path}: cannot read model parameters: {exc}"
            raise ParameterError(msg) from None

    def with_overrides(self, overrides: Mapping[str, Any], *, source: str = "params") -> ModelParams:
        """Return a copy with ``overrides`` applied on top of these values.

        Parameters
        ----------
        overrides
            Nested mapping in the layout of ``model.toml``.
        source
            Where the overrides came from, named in error messages.

        Returns
        -------
        ModelParams
            The copy; this object is unchanged.

        Raises
        ------
        ParameterError
            As for the class.
        """
        new = copy.deepcopy(self)
        new.data = _merged(new.data, overrides, source)
        return new

    def value(self, profile: str, name: str, mode: str | None = None) -> float:
        """One parameter of a profile, per mode where the parameter is per mode.

        Parameters
        ----------
        profile
            ``freight`` or ``passenger``.
        name
            The parameter, as in ``model.toml`` (``terminal_h``, ``value_of_time``).
        mode
            The mode, for a parameter given per mode.

        Returns
        -------
        float
            The value, in the unit ``model.toml`` gives it; 0 where the
            parameter, or the mode's entry, is not given.
        """
        entry = self.data[profile].get(name, 0.0)
        if isinstance(entry, dict):  # tables load and merge as dicts; a plain type check is 5x an ABC's
            return float(entry.get(mode, 0.0))
        return float(entry)

    def speed_kmh(self, profile: str, mode: str, link_speed_kmh: float) -> float:
        """Average speed of ``profile`` on a link of ``mode`` whose own speed is given.

        Where the profile gives the mode a ``speed_kmh``, that speed, capped at
        the link's speed; otherwise the mode's ``speed_factor`` times the
        link's speed, capped first at the mode's ``max_speed_kmh`` where one is
        given (freight trains run at most 120 km/h on a 160 km/h line).

        Parameters
        ----------
        profile
            ``freight`` or ``passenger``.
        mode
            The link's mode.
        link_speed_kmh
            The link's own speed, km/h.

        Returns
        -------
        float
            km/h.
        """
        commercial = self.value(profile, "speed_kmh", mode)
        if commercial:
            return min(link_speed_kmh, commercial)
        cap = self.value(profile, "max_speed_kmh", mode)
        return self.value(profile, "speed_factor", mode) * (min(link_speed_kmh, cap) if cap else link_speed_kmh)

    def co2_kg_per_km(self, profile: str, mode: str) -> float:
        """Emissions of moving one unit (TEU for freight, passenger) one km on ``mode``, kg CO2e.

        Parameters
        ----------
        profile
            ``freight`` or ``passenger``.
        mode
            The mode.

        Returns
        -------
        float
            kg CO2e per TEU-km or passenger-km (``co2_g_per_km`` / 1000).
        """
        return self.value(profile, "co2_g_per_km", mode) / 1000.0

    def co2_kg_per_lift(self, profile: str, mode: str) -> float:
        """Emissions of lifting one unit on or off ``mode`` at a terminal, kg CO2e.

        Parameters
        ----------
        profile
            ``freight`` or ``passenger``.
        mode
            The mode.

        Returns
        -------
        float
            kg CO2e per lift (``co2_g_per_lift`` / 1000).
        """
        return self.value(profile, "co2_g_per_lift", mode) / 1000.0

    def fitted_view(self) -> dict[str, dict[str, Any]]:
        """The parameters as a plain nested dict (for JSON and reports).

        Returns
        -------
        dict
            A deep copy of :attr:`data`.
        """
        return copy.deepcopy(self.data)


def _merged(base: dict[str, dict[str, Any]], overrides: Mapping[str, Any], source: str) -> dict[str, dict[str, Any]]:
    """Apply ``overrides`` to a copy of ``base``, rejecting unknown keys and bad types."""
    merged = copy.deepcopy(base)
    for profile, table in overrides.items():
        if profile not in PROFILES:
            msg = f"{source}: unknown profile '{profile}' in parameters; use one of {', '.join(PROFILES)}"
            raise ParameterError(msg)
        if not isinstance(table, Mapping):
            msg = f"{source}: '{profile}' must be a table of parameters"
            raise ParameterError(msg)
        for name, value in table.items():
            where = f"{source}: parameter '{profile}.{name}'"
            if name in _SCALAR:
                merged[profile][name] = _non_negative(value, where)
            elif name in _FLAGS:
                if not isinstance(value, bool):
                    msg = f"{where} must be true or false, got {value!r}"
                    raise ParameterError(msg)
                merged[profile][name] = value
            elif name in _PER_CHAIN:
                merged[profile][name] = _chain_table(value, source, f"{profile}.{name}")
            elif name in _PER_MODE:
                if not isinstance(value, Mapping):
                    msg = f"{where} must be a table by mode, e.g. {{ rail = 1.0 }}"
                    raise ParameterError(msg)
                for mode, number in value.items():
                    if mode not in MODES:
                        msg = f"{where} has unknown mode '{mode}'; use one of {', '.join(MODES)}"
                        raise ParameterError(msg)
                    entry = f"{source}: parameter '{profile}.{name}.{mode}'"
                    number = _non_negative(number, entry)
                    if name.startswith("speed") and number == 0:
                        msg = f"{entry} must be positive (a speed of zero never arrives)"
                        raise ParameterError(msg)
                    merged[profile].setdefault(name, {})[mode] = number
            else:
                known = ", ".join(_PER_MODE + _SCALAR + _PER_CHAIN + _FLAGS)
                msg = f"{where} is unknown; known parameters: {known}"
                raise ParameterError(msg)
    return merged


def _chain_table(value: Any, source: str, field: str) -> dict[str, float]:
    """A table by mode chain (``{ "rail+sea" = 0.5 }``) of finite numbers, any sign; errors name ``source`` and ``field``."""
    where = f"{source}: parameter '{field}'"
    if not isinstance(value, Mapping):
        msg = f'{where} must be a table by mode chain, e.g. {{ "rail+sea" = 0.5 }}'
        raise ParameterError(msg)
    table = {}
    for chain, number in value.items():
        unknown = [mode for mode in str(chain).split("+") if mode not in MODES]
        if unknown:
            msg = f"{where} has unknown mode '{unknown[0]}' in chain '{chain}'; join modes of {', '.join(MODES)} with '+'"
            raise ParameterError(msg)
        if isinstance(number, bool) or not isinstance(number, int | float) or not math.isfinite(number):
            msg = f"{source}: parameter '{field}.{chain}' must be a finite number, got {number!r}"
            raise ParameterError(msg)
        table[chain] = float(number)
    return table


def _non_negative(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        msg = f"{where} must be a non-negative finite number, got {value!r}"
        raise ParameterError(msg)
    return float(value)

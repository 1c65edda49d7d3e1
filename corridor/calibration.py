"""Fit the travel-time model to published fastest times, and report every residual.

The published times (``geodata/calibration_times.csv``, each row with its
source, date and the network year it belongs to) are scheduled fastest trains
between two stations and door-to-door freight service times. Each row is
routed on the network of its year with the modes it names.

Where a link carries a published fastest section time (``section_times``),
the model uses it; elsewhere it runs the speed model: length over the
operating speed of the year times a speed factor, plus a dwell at each stop.
The speed model's parameters are fitted with section times switched off, so
the fit sees how well the speed model alone predicts published times:

- high-speed rail: ``t = a * X + d * C + K`` by least squares on relative
  error over the ``hsr`` rows, for ``a = 1 / speed factor`` and the dwell
  ``d`` (``X``: hours at the operating speed of each link's year, ``C``: stops
  where the train dwells, ``K``: the rest);
- conventional rail (passenger): the speed factor alone (the dwell and the
  border time stay as documented in ``model.toml``), over the ``rail`` rows;
- rail freight: the commercial speed that best matches the Chongqing
  Tuanjiecun-Qinzhou Port rows door to door (published service times are
  what planners quote, so the model's door-to-door time is compared with
  them).

Routes depend on the parameters, so the fit repeats until routes stop
changing. The report gives each row's residual with the full model (section
times on, what users get) and with the speed model alone (the validation of
lines without a published time). Rows mixing modes and the other freight rows
are not fitted; they are reported.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corridor._errors import CorridorError
from corridor.graph import graph_from_network, with_link_modes
from corridor.network import Network
from corridor.params import ModelParams
from corridor.routing import Route, find_routes, route_from_nodes
from corridor.settings import GEODATA_DIR

CALIBRATION_FILE = GEODATA_DIR / "calibration_times.csv"

#: Freight rows that fit a commercial speed, by row id prefix: the Chongqing-Qinzhou Port sea-rail
#: train (rail). The cross-border truck rows are reported, not fitted: fitted, they give 24 km/h,
#: which would slow every domestic truck by the transloading and queues at the borders that the
#: model does not know (Chongqing-Changsha would take 43 h by road).
FREIGHT_FIT_PREFIXES = ("fr_cq_qz",)


@dataclass
class CalibrationRow:
    """One published time and the model's figures for it.

    Attributes
    ----------
    id, origin, destination, profile
        The row's id, hubs and profile.
    modes
        The modes the published service uses.
    via
        Hubs the published service passes through, in order (empty: none given).
    part_modes
        With ``via``: the modes of each part of the trip (empty: ``modes`` throughout).
    year
        The network year the figure belongs to.
    published_h
        The published time.
    source
        Where the figure was published.
    measure
        What the figure measures: ``"on_board"`` (time on the trains or
        vehicles, with the waits on the way such as border clearance: a
        timetable's figure) or ``"door_to_door"`` (with loading, unloading
        and drayage). Empty: on board for passengers, door to door for freight.
    model_h, speed_model_h
        The model's time with published section times, and with the speed model alone.
    links
        The links of the model's route.
    """

    id: str
    origin: str
    destination: str
    profile: str
    modes: tuple[str, ...]
    year: int | None
    published_h: float
    source: str
    measure: str = ""
    via: tuple[str, ...] = ()
    part_modes: tuple[tuple[str, ...], ...] = ()
    model_h: float = float("nan")
    speed_model_h: float = float("nan")
    links: tuple[str, ...] = ()

    @property
    def modes_label(self) -> str:
        """The modes as a reader says them: ``rail`` or ``rail to qinzhou_port, then sea``."""
        if not self.via:
            return ",".join(self.modes)
        parts = [",".join(modes) for modes in self.part_modes] or [",".join(self.modes)] * (len(self.via) + 1)
        return parts[0] + "".join(f" to {hub}, then {modes}" for hub, modes in zip(self.via, parts[1:], strict=True))

    @property
    def residual_h(self) -> float:
        """Model minus published, hours (full model)."""
        return self.model_h - self.published_h

    @property
    def speed_model_residual_h(self) -> float:
        """Speed model minus published, hours."""
        return self.speed_model_h - self.published_h

    @property
    def fitted(self) -> bool:
        """Whether the row takes part in the fit (single-mode rail rows and the Chongqing-Qinzhou freight rows)."""
        if self.profile == "freight":
            return self.id.startswith(FREIGHT_FIT_PREFIXES)
        return len(self.modes) == 1


def read_calibration_rows(path: str | Path = CALIBRATION_FILE) -> list[CalibrationRow]:
    """Read the published times table.

    Parameters
    ----------
    path
        A CSV with columns ``id``, ``origin_hub``, ``destination_hub``,
        ``profile``, ``modes`` (comma-separated), ``year``, ``published_h``,
        ``source`` and optionally ``measure`` and ``via`` (hubs the
        published service passes, separated by ``;``). With ``via``,
        ``modes`` may give each part's modes, separated by ``;``
        (``rail;sea``: by rail to the via hub, then by sea).

    Returns
    -------
    list of CalibrationRow

    Raises
    ------
    CorridorError
        If the file cannot be read or a row lacks a column or a number.
    """
    try:
        with Path(path).open(encoding="utf-8", newline="") as f:
            return [_row(record, path) for record in csv.DictReader(f)]
    except (OSError, KeyError, ValueError) as exc:
        msg = f"{path}: cannot read calibration rows: {exc}"
        raise CorridorError(msg) from None


def _row(record: dict[str, str], path: str | Path) -> CalibrationRow:
    via = tuple(hub for hub in (record.get("via") or "").split(";") if hub)
    parts = [tuple(part.split(",")) for part in record["modes"].split(";")]
    if len(parts) > 1 and len(parts) != len(via) + 1:
        msg = f"{path}: row '{record['id']}', field 'modes': {len(parts)} parts for {len(via)} via hubs (want one more part than via hubs)"
        raise CorridorError(msg)
    return CalibrationRow(
        record["id"], record["origin_hub"], record["destination_hub"], record["profile"],
        tuple(dict.fromkeys(mode for part in parts for mode in part)),
        int(record["year"]) if record.get("year") else None, float(record["published_h"]), record["source"],
        record.get("measure") or "", via, tuple(parts) if len(parts) > 1 else (),
    )


def calibrate(network: Network, rows: list[CalibrationRow], *, iterations: int = 6) -> tuple[ModelParams, list[CalibrationRow]]:
    """Fit the speed factors, the HSR dwell and the rail freight speed to ``rows``.

    Parameters
    ----------
    network
        The network to route on.
    rows
        Published times (:func:`read_calibration_rows`).
    iterations
        Most fit-and-reroute rounds.

    Returns
    -------
    params, rows
        The fitted parameters (the defaults with the fitted values replaced)
        and the rows with ``model_h``, ``speed_model_h`` and ``links`` filled in.
    """
    params = ModelParams()
    for _ in range(iterations):
        speed_only = _speed_only(params)
        routed = [(row, _route(network, row, speed_only)) for row in rows if row.fitted]
        params = params.with_overrides(_fit(network, routed, params), source="calibration")
        if all(_route(network, row, _speed_only(params)).nodes == route.nodes for row, route in routed):
            break
    speed_only = _speed_only(params)
    for row in rows:
        route = _route(network, row, params)
        row.model_h = _measure(row, route)
        row.links = tuple(link for leg in route.legs for link in leg.links)
        row.speed_model_h = _measure(row, _route(network, row, speed_only))
    return params, rows


def mape(rows: list[CalibrationRow], *, speed_model: bool = False) -> float:
    """Mean absolute percentage error of ``rows`` (full model, or the speed model alone).

    Parameters
    ----------
    rows
        Rows with their model times filled in.
    speed_model
        Compare ``speed_model_h`` (the speed model alone) instead of ``model_h``.

    Returns
    -------
    float
        The mean of ``|model / published - 1|`` in percent; NaN for no rows.
    """
    errors = [abs((row.speed_model_h if speed_model else row.model_h) / row.published_h - 1.0) for row in rows]
    return 100.0 * float(np.mean(errors)) if errors else float("nan")


def _speed_only(params: ModelParams) -> ModelParams:
    copy = params.with_overrides({})
    copy.use_section_times = False
    return copy


def _route(network: Network, row: CalibrationRow, params: ModelParams) -> Route:
    graph = graph_from_network(network, profile=row.profile, modes=row.modes, year=row.year, params=params)
    # A published passenger time is one train's: route on a single service, no change of train.
    stops = [row.origin, *row.via, row.destination]
    part_graphs = [with_link_modes(graph, modes) for modes in row.part_modes] or [graph] * (len(stops) - 1)
    parts = [
        find_routes(part_graph, a, b, by="time", direct=row.profile == "passenger")[0]
        for part_graph, (a, b) in zip(part_graphs, itertools.pairwise(stops), strict=True)
    ]
    if len(parts) == 1:
        return parts[0]
    # Each part ends at the hub node where the next starts, so the joined path changes there as one route would.
    return route_from_nodes(graph, [node for part in parts[:-1] for node in part.nodes[:-1]] + parts[-1].nodes)


def _measure(row: CalibrationRow, route: Route) -> float:
    """What the published figure measures: on board (passenger default) or door to door (freight default)."""
    on_board = row.measure == "on_board" or (not row.measure and row.profile == "passenger")
    return route.moving_h if on_board else route.time_h


def _fit(network: Network, routed: list[tuple[CalibrationRow, Route]], params: ModelParams) -> dict:
    passenger: dict = {"speed_factor": {}, "dwell_h": {}}
    hsr = [(row, route) for row, route in routed if row.profile == "passenger" and row.modes == ("hsr",)]
    if hsr:
        a, d = _least_squares(network, hsr, params, "hsr", fit_dwell=True)
        passenger["speed_factor"]["hsr"] = round(1.0 / a, 3)
        passenger["dwell_h"]["hsr"] = round(d, 4)
    rail = [(row, route) for row, route in routed if row.profile == "passenger" and row.modes == ("rail",)]
    if rail:
        a, _ = _least_squares(network, rail, params, "rail", fit_dwell=False)
        passenger["speed_factor"]["rail"] = round(1.0 / a, 3)
    freight: dict = {"speed_factor": {}}
    chosen = [(row, route) for row, route in routed if row.profile == "freight" and row.modes == ("rail",)]
    if chosen:
        a, _ = _least_squares(network, chosen, params, "rail", fit_dwell=False, profile="freight")
        freight["speed_factor"]["rail"] = round(1.0 / a, 3)
    return {"passenger": {k: v for k, v in passenger.items() if v}, "freight": {k: v for k, v in freight.items() if v}}


def _running_h(route: Route, mode: str) -> float:
    return sum(leg.time_h for leg in route.legs if leg.mode == mode)


def _least_squares(
    network: Network,
    routed: list[tuple[CalibrationRow, Route]],
    params: ModelParams,
    mode: str,
    *,
    fit_dwell: bool,
    profile: str = "passenger",
) -> tuple[float, float]:
    """``(a, d)`` minimising the relative error of ``t = a * X + d * C + K`` over the rows' fixed routes."""
    a0 = 1.0 / params.value(profile, "speed_factor", mode)
    d0 = params.value(profile, "dwell_h", mode)
    at = _evaluator(network, params, mode, profile)
    columns, targets = [], []
    for row, route in routed:
        base = at(route, row, a0, d0)
        x = at(route, row, a0 + 1.0, d0) - base
        c = at(route, row, a0, d0 + 1.0) - base if fit_dwell else 0.0
        k = base - a0 * x - d0 * c
        columns.append((x / row.published_h, c / row.published_h))
        targets.append((row.published_h - k) / row.published_h)
    matrix, target = np.array(columns), np.array(targets)
    if not fit_dwell:
        column = matrix[:, 0]
        return float(column @ target / (column @ column)), d0
    (a, d), *_ = np.linalg.lstsq(matrix, target, rcond=None)
    if d < 0:  # a stop cannot save time: fit the factor alone
        column = matrix[:, 0]
        return float(column @ target / (column @ column)), 0.0
    return float(a), float(d)


def _evaluator(
    network: Network, params: ModelParams, mode: str, profile: str = "passenger"
) -> Callable[[Route, CalibrationRow, float, float], float]:
    """What a row measures on a fixed route under other values of ``a = 1 / speed factor`` and the dwell of ``mode``."""

    def measured_h(route: Route, row: CalibrationRow, a: float, d: float) -> float:
        trial = params.with_overrides({profile: {"speed_factor": {mode: 1.0 / a}, "dwell_h": {mode: d}}})
        trial.use_section_times = False
        # Graphs of one network, profile, year and modes number their nodes alike.
        graph = graph_from_network(network, profile=row.profile, modes=row.modes, year=row.year, params=trial)
        return _measure(row, route_from_nodes(graph, route.nodes))

    return measured_h

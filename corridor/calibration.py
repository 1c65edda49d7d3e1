"""Fit the travel-time model to published fastest times.

The published times (``geodata/calibration_times.csv``, with sources) are
scheduled fastest trains between two stations and the door-to-door time of
the Chongqing-Qinzhou Port sea-rail freight train. Each row is routed on the
network with the mode it names; the fit then solves:

- high-speed rail: ``t = X / f + C * d`` by least squares over all hsr
  rows for the speed factor ``f``, where ``X`` is the sum of length / speed
  of the links used and ``C`` the number of sections (each ends with a stop
  of ``d``, kept as documented in ``model.toml``: five rows cannot separate
  stop time from speed);
- conventional rail (passenger): ``f`` from its row, the stop and border
  times kept as documented;
- rail freight: the commercial speed that makes the row's door-to-door time
  (terminal times included) match.

Routes depend on the parameters, so the fit repeats until routes stop
changing. Only these rows are used: no other published time is tuned to.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corridor._errors import CorridorError
from corridor.graph import graph_from_network, link_speed_kmh
from corridor.network import Network
from corridor.params import ModelParams
from corridor.routing import Route, find_routes
from corridor.settings import GEODATA_DIR

CALIBRATION_FILE = GEODATA_DIR / "calibration_times.csv"


@dataclass
class CalibrationRow:
    """One published time and the model's figure for it."""

    id: str
    origin: str
    destination: str
    profile: str
    mode: str
    published_h: float
    source: str
    model_h: float = float("nan")
    links: tuple[str, ...] = ()

    @property
    def residual_h(self) -> float:
        """Model minus published, hours."""
        return self.model_h - self.published_h


def read_calibration_rows(path: str | Path = CALIBRATION_FILE) -> list[CalibrationRow]:
    """Read the published times table."""
    try:
        with Path(path).open(encoding="utf-8", newline="") as f:
            return [
                CalibrationRow(r["id"], r["origin_hub"], r["destination_hub"], r["profile"], r["modes"], float(r["published_h"]), r["source"])
                for r in csv.DictReader(f)
            ]
    except (OSError, KeyError, ValueError) as exc:
        msg = f"{path}: cannot read calibration rows: {exc}"
        raise CorridorError(msg) from None


def calibrate(network: Network, rows: list[CalibrationRow], *, iterations: int = 5) -> tuple[ModelParams, list[CalibrationRow]]:
    """Fit speed factors, stop time and freight speed to ``rows``.

    Returns
    -------
    params, rows
        The fitted parameters (the defaults with the fitted values replaced)
        and the rows with ``model_h`` filled in.
    """
    params = ModelParams()
    for _ in range(iterations):
        routed = [(row, _route(network, row, params)) for row in rows]
        params = params.with_overrides(_fit(network, routed, params), source="calibration")
        if all(_route(network, row, params).nodes == route.nodes for row, route in routed):
            break
    for row in rows:
        route = _route(network, row, params)
        row.model_h = route.moving_h if row.profile == "passenger" else route.time_h
        row.links = tuple(link for leg in route.legs for link in leg.links)
    return params, rows


def _route(network: Network, row: CalibrationRow, params: ModelParams) -> Route:
    graph = graph_from_network(network, profile=row.profile, modes=[row.mode], params=params)
    return find_routes(graph, row.origin, row.destination, by="time")[0]


def _terms(network: Network, route: Route) -> tuple[float, float, float]:
    """Running-time term X (h at full link speed), section count C and km of a route's links."""
    x = c = km = 0.0
    for leg in route.legs:
        for link_id in leg.links:
            link = network.links.loc[link_id]
            x += link["length_km"] / link_speed_kmh(link)
            c += 1
            km += link["length_km"]
    return x, c, km


def _fit(network: Network, routed: list[tuple[CalibrationRow, Route]], params: ModelParams) -> dict:
    passenger: dict = {}
    freight: dict = {}
    hsr = [(row, _terms(network, route)) for row, route in routed if row.profile == "passenger" and row.mode == "hsr"]
    if hsr:
        running = np.array([x for _, (x, _, _) in hsr])
        stops = np.array([c for _, (_, c, _) in hsr]) * params.value("passenger", "dwell_h", "hsr")
        target = np.array([row.published_h for row, _ in hsr]) - stops
        passenger["speed_factor"] = {"hsr": round(float(running @ running / (running @ target)), 3)}
    for row, route in routed:
        if row.profile == "passenger" and row.mode != "hsr":
            x, c, _ = _terms(network, route)
            factor = params.value("passenger", "speed_factor", row.mode)
            fixed = route.moving_h - x / factor
            passenger.setdefault("speed_factor", {})[row.mode] = round(x / (row.published_h - fixed), 3)
        elif row.profile == "freight":
            _, _, km = _terms(network, route)
            fixed = route.time_h - route.moving_h
            freight.setdefault("speed_kmh", {})[row.mode] = round(km / (row.published_h - fixed), 2)
    return {"passenger": passenger, "freight": freight}

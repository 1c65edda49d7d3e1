"""Readable terminal tables for the command line (rich)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from corridor.settings import MODE_LABELS

if TYPE_CHECKING:  # tables are drawn with rich alone: `corridor route` starts without pandas
    import pandas as pd

# Piped output gets 120 columns rather than rich's 80, so route tables stay readable.
console = Console(width=None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 120)


@contextmanager
def status(first: str) -> Iterator[Callable[[str], None]]:
    """A live one-line status on stderr while long work runs (nothing when stderr is not a terminal).

    Yields a function that replaces the status text with the current step.
    """
    if not sys.stderr.isatty():
        yield lambda _step: None
        return
    with Console(stderr=True).status(first) as live:
        yield lambda step: live.update(f"{step}...")


def table(title: str, rows: Sequence[dict], *, columns: Sequence[str] | None = None) -> None:
    """Print a list of dicts as a table with one column per key."""
    if not rows:
        console.print(f"{title}: nothing to show")
        return
    columns = list(columns or rows[0].keys())
    out = Table(title=title, title_justify="left")
    for column in columns:
        numeric = isinstance(rows[0].get(column), int | float) and not isinstance(rows[0].get(column), bool)
        out.add_column(column, justify="right" if numeric else "left")
    for row in rows:
        out.add_row(*(_cell(row.get(column)) for column in columns))
    console.print(out)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 100 else f"{value:.3f}".rstrip("0").rstrip(".")
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def overview(report: dict) -> None:
    """Print the network summary and the key routes."""
    summary = report["summary"]
    console.print(f"[bold]Network[/bold] {summary['source']}: {summary['hubs']['total']} hubs, {summary['links']['total']} links")
    console.print("Hubs by kind: " + ", ".join(f"{k} {n}" for k, n in summary["hubs"]["by_kind"].items()))
    rows = []
    for mode, counts in summary["links"]["by_mode"].items():
        km = summary["km"][mode]
        rows.append(
            {
                "mode": MODE_LABELS.get(mode, mode),
                "open": counts["open"],
                "under construction": counts["under_construction"],
                "planned": counts["planned"],
                "km open": km["open"],
                "km building/planned": round(km["under_construction"] + km["planned"], 1),
            }
        )
    table("Links by mode and status", rows)
    year = report.get("year")
    routes = []
    for row in report["routes"]:
        what = f"{row['profile']}, {'fastest' if row['by'] == 'time' else 'cheapest'}"
        routes.append(
            {
                "from": row["origin"],
                "to": row["destination"],
                "route": what,
                "h door to door": row.get("time_h"),
                "h moving": row.get("moving_h"),
                "km": row.get("length_km"),
                "via": " > ".join(row.get("via", [])) if "via" in row else "no route",
            }
        )
    table(f"Key routes ({'network of ' + str(year) if year else 'links open today'})", routes)
    options = [
        {"from": row["origin"], "to": row["destination"], "chain": o["chain"], "door to door h": o["time_h"], "moving h": o["moving_h"],
         "km": o["length_km"], "cost": o["cost"], "kg CO2e/TEU": o["co2_kg"], "transfers": o["transfers"]}
        for row in report.get("options", []) for o in row.get("options", [])
    ]  # fmt: skip
    if options:
        table("Freight options by mode chain (best of each chain by generalised cost)", options)


def routes(report: dict) -> None:
    """Print each route as a table of legs under a one-line summary."""
    names = report["hub_names"]
    network = f"network of {report['year']}" if report.get("year") is not None else "network open today"
    for route in report["routes"]:
        modes = " > ".join(route["modes"])
        console.print(
            f"[bold]Route {route['rank']}[/bold] {names[report['origin']]} to {names[report['destination']]} "
            f"({report['profile']}, by {report['by']}, {network}): {route['time_h']:.1f} h door to door, "
            f"{route['moving_h']:.1f} h {_moving_label(route['modes'])}, {route['length_km']:,.0f} km, "
            f"{route['transfers']} transfer{'s' if route['transfers'] != 1 else ''}, {modes}"
            + (f", {route['co2_kg']:,.0f} kg CO2e per {'TEU' if report['profile'] == 'freight' else 'passenger'}" if "co2_kg" in route else "")
        )
        rows = [
            {
                "mode": leg["mode"],
                "line": leg["line"],
                "from": names.get(leg["from"], leg["from"]),
                "to": names.get(leg["to"], leg["to"]),
                "km": leg["length_km"],
                "h": leg["time_h"],
            }
            for leg in route["legs"]
        ]
        rows.append({"mode": "", "line": "getting on and off (terminals)", "from": "", "to": "", "km": 0.0, "h": route["terminal_h"]})
        rows.append({"mode": "", "line": f"total {_moving_label(route['modes'])}", "from": "", "to": "", "km": None, "h": route["moving_h"]})
        rows.append({"mode": "", "line": "total door to door", "from": "", "to": "", "km": route["length_km"], "h": route["time_h"]})
        table("", rows)


def _moving_label(modes: Sequence[str]) -> str:
    """What a route's moving time is called: time on trains when it goes by train only."""
    return "on trains" if modes and set(modes) <= {"hsr", "rail"} else "on the move"


def matrix_rows(matrix: pd.DataFrame) -> list[list[float | None]]:
    """Matrix values as nested lists, ``None`` where unreachable (JSON has no infinity)."""
    return [[None if v == float("inf") else round(float(v), 3) for v in row] for row in matrix.to_numpy()]


#: Widest OD matrix printed whole; wider ones show their first columns and say how to get all.
MAX_MATRIX_COLUMNS = 12


def matrix(frame: pd.DataFrame, by: str) -> None:
    """Print an OD matrix (its first ``MAX_MATRIX_COLUMNS`` columns when wider)."""
    if len(frame.columns) > MAX_MATRIX_COLUMNS:
        Console(stderr=True).print(
            f"showing {MAX_MATRIX_COLUMNS} of {len(frame.columns)} columns; use --out FILE (.csv, .parquet) or --json for the whole skim"
        )
        frame = frame.iloc[:, :MAX_MATRIX_COLUMNS]
    out = Table(title=f"OD skim by {by}", title_justify="left")
    out.add_column("from \\ to")
    for column in frame.columns:
        out.add_column(str(column), justify="right")
    for origin, row in frame.iterrows():
        out.add_row(str(origin), *("-" if v == float("inf") else f"{v:,.1f}" for v in row))
    console.print(out)


def whatif(report: dict) -> None:
    """Print a scenario comparison (``corridor whatif``) as tables."""
    from corridor.whatif import DEMAND_UNIT_GRAVITY

    years = f"network of {report['baseline_year'] or 'today'} before, {report['year'] or 'today'} after"
    if report["modes"]:
        years += f"; modes {', '.join(report['modes'])}"
    by = report.get("by", "time")
    chosen = "fastest routes" if by == "time" else "cheapest routes (generalised cost)"
    console.print(f"[bold]What if: {report['scenario']}[/bold] ({report['file']}; {report['profile']}; {years}; {chosen})")
    if report["description"]:
        console.print(report["description"])
    changes = {k: v for k, v in report["changes"].items() if v}
    for name, ids in changes.items():
        console.print(f"  {name.replace('_', ' ')}: {', '.join(ids)}")
    moving = "on trains" if report["profile"] == "passenger" and set(report.get("modes") or ("hsr", "rail")) <= {"hsr", "rail"} else "moving"
    rows = [
        {
            "from": r["origin"],
            "to": r["destination"],
            "before h": r["before_h"],
            "after h": r["after_h"],
            "saving h": r["saving_h"],
            "cost before": r.get("before_cost"),
            "cost after": r.get("after_cost"),
            "cost saving": r.get("saving_cost"),
            f"{moving} before": r["before_moving_h"],
            f"{moving} after": r["after_moving_h"],
            "note": r["note"],
        }
        for r in report["pairs"]
    ]
    table(f"Key pairs by {chosen}: door to door and {'on trains' if moving == 'on trains' else 'on the move'} (hours), generalised cost", rows)
    for r in report["pairs"]:
        if r["route_changed"] and r["before_via"] and r["after_via"]:
            console.print(f"  {r['origin']} to {r['destination']}: {' > '.join(r['before_via'])}\n    now {' > '.join(r['after_via'])}")
    if report["published"]:
        rows = [
            {
                "from": p["origin"],
                "to": p["destination"],
                "case": p["case"],
                "published h": p["published_h"],
                "model h": p["model_h"],
                "difference h": p["difference_h"],
                "door to door h": p["model_time_h"],
                "verdict": "agrees" if p["agrees"] else "MODEL DIFFERS",
                "source": p["source"],
            }
            for p in report["published"]
        ]
        table("Model vs published fastest runs (time on trains)", rows)
    demand = report["demand"]
    gravity = demand.get("unit", DEMAND_UNIT_GRAVITY) == DEMAND_UNIT_GRAVITY
    console.print(
        f"Demand-weighted saving ({chosen}): {report['total_saving_h']:,.1f} {demand.get('unit', DEMAND_UNIT_GRAVITY)} "
        f"over {demand['cities']} cities "
        f"(mean saving {demand['mean_saving_h']:.3f} h, weighted by demand; {demand['source']})"
    )
    if "total_saving_cost" in report:
        console.print(
            f"  generalised cost: {report['total_saving_cost']:,.1f} demand-weighted cost units "
            f"(mean saving {demand.get('mean_saving_cost', 0.0):,.1f}, weighted by demand)"
        )
    if gravity:
        console.print("  the gravity model's flows are a relative index, not trips or tonnes: compare scenarios by it, do not read it as hours a year")
    if demand["newly_connected_flow"] or demand["disconnected_flow"]:
        console.print(f"  newly connected demand {demand['newly_connected_flow']:,.1f}; demand cut off {demand['disconnected_flow']:,.1f}")
    flow_label = "demand (index)" if gravity else "flow"
    gains = [
        {"origin": g["origin"], "destination": g["destination"], "before h": g["before_h"], "after h": g["after_h"],
         "saving h": g["saving_h"], "saving cost": g.get("saving_cost"), flow_label: g["flow"],
         "demand-weighted h": g["weighted_saving_h"], "demand-weighted cost": g.get("weighted_saving_cost")}
        for g in report["top_gains"]
    ]  # fmt: skip
    table(f"Pairs that gain most (demand-weighted {'time' if by == 'time' else 'generalised cost'})", gains)
    table("Hub centrality rank shifts (betweenness; + rises)", report["rank_shifts"])
    for note in report["notes"]:
        console.print(f"[yellow]note:[/yellow] {note}")
    if "co2" in report:
        console.print(report["co2"]["explanation"])
    if report.get("accessibility"):
        accessibility(report["accessibility"])
    if report.get("mode_shares"):
        rows = [
            {"from": r["origin"], "to": r["destination"], "chain": chain, "share before %": round(100 * r["before"].get(chain, 0.0), 1),
             "share after %": round(100 * r["after"].get(chain, 0.0), 1), "shift points": points}
            for r in report["mode_shares"] for chain, points in r["shift_points"].items() if points
        ]  # fmt: skip
        if rows:
            table(f"Mode-share shifts ({report['mode_shares'][0]['label']}; logit over generalised cost)", rows)
        console.print(report["mode_share_summary"]["explanation"])


def options(report: dict) -> None:
    """Print the options by mode chain (``corridor options``) as one table."""
    unit = "TEU" if report["profile"] == "freight" else "passenger"
    network = f"network of {report['year']}" if report.get("year") is not None else "network open today"
    rows = [
        {"chain": o["chain"], "door to door h": o["time_h"], "moving h": o["moving_h"], "km": o["length_km"], "cost": o["cost"],
         f"kg CO2e/{unit}": o["co2_kg"], "transfers": o["transfers"], f"share % ({report.get('share_label', 'indicative')})": round(100 * o["share"], 1) if "share" in o else None}
        for o in report["options"]
    ]  # fmt: skip
    table(f"Options by mode chain, {report['origin']} to {report['destination']} ({report['profile']}, {network}, best of each chain by {report['by']})", rows)


def accessibility(report: dict) -> None:
    """Print what a scenario changes in the population within reach (``whatif``'s ``accessibility``)."""
    hours = report["hours"]
    rows = [
        {"hub": r["name"], "by": r["mode"], f"within {hours:g} h before": r["before"], "after": r["after"], "change": r["change"],
         "gravity change": round(r["gravity_change"])}
        for r in report["rows"]
    ]
    table(f"Accessibility: population within {hours:g} h door to door (passenger network; {report['population_source']})", rows)
    if report["headline"]:
        console.print(report["headline"] + " (population of the city hubs reached door to door within the time, its own included)")


def sourcing(report: dict) -> None:
    """Print a sourcing report (``corridor validate --report``)."""
    rows = [{"mode": mode, **bases, "total": round(sum(bases.values()), 1)} for mode, bases in report["km_by_basis"].items()]
    table("Link-km by length basis (published: a page states it; derived: worked out from stated figures)", rows)
    console.print(
        f"Rail, HSR and expressway km on a published or derived length: {100 * (report['published_share'] or 0):.1f}%; "
        f"link-km with a figure from general knowledge (length, speed or opening date): {100 * (report['knowledge_share'] or 0):.1f}%"
    )
    table(
        f"Links whose drawn geometry and length differ by more than {100 * report['tolerance']:.0f}%",
        report["geometry_mismatches"],
    )
    table("Links with figures from general knowledge", [{**row, "figures": ", ".join(row["figures"])} for row in report["knowledge_links"]])

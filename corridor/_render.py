"""Readable terminal tables for the command line (rich).

Every table (:func:`table`) writes its numbers by one set of rules, so the same quantity
looks the same in every command:

- Durations are ``h:mm``: ``8:08`` is 8 hours 8 minutes, ``-0:20`` a loss of 20 minutes.
  A column holds durations when its title is ``h`` or ends in `` h``; its title then ends in
  ``h:mm``. Lines of text write them the same way (``8:08 h door to door``).
- Kilometres have one decimal and a thousands separator (``1,771.9``): columns titled ``km``,
  ``km ...`` or ``... km`` (but not ``... per km``).
- Other numbers have a thousands separator and one number of decimals per column: none when
  every value is whole, else one when the largest is 10 or more, two from 1, three below 1.
  Years (a title with ``year``) are written as they are.
  Demand-weighted hours (flow x hours) are an index, not a duration: they are numbers.
- A blank cell has no value (no route, no rank before).

Tables fit the terminal by wrapping text: numbers are never cut, and columns of ids stay on
one line while a column of names can wrap instead. ``--json`` prints the full values; only
the tables round and shorten them (a source's web address becomes its domain).
"""

from __future__ import annotations

import math
import numbers
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from rich.console import Console
from rich.table import Table
from rich.text import Text

from corridor.schema import is_missing
from corridor.settings import MODE_LABELS

if TYPE_CHECKING:  # tables are drawn with rich alone: `corridor route` starts without pandas
    import pandas as pd

# Piped output gets 120 columns rather than rich's 80, so route tables stay readable.
console = Console(width=None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 120)

#: Widest a number column's title may make it when the table is too wide; longer title words fold.
TITLE_WORD_WIDTH = 10
#: Narrowest a column of names may be squeezed to before columns of ids wrap as well.
NAME_MIN_WIDTH = 12
#: A web address in a source, up to a space, comma or semicolon.
WEB_ADDRESS = re.compile(r"\w+://[^\s,;]+")
#: One-line explanations of column titles, printed under any table that has the column.
#: ``{penalty}`` is :data:`corridor.centrality.UNSERVED_PENALTY_H`.
COLUMN_LEGENDS = {
    "loss hours": "extra hours + {penalty:g} h x demand cut",
    "extra hours": "added flow x hours on the pairs still joined",
    "pairs cut": "OD pairs left with no route",
    "demand cut": "their flow",
    "per km": "demand-weighted saving per km built",
}


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


# -- numbers ---------------------------------------------------------------------------------------


def hours_minutes(hours: float) -> str:
    """A duration in hours as ``h:mm`` (``8.13`` -> ``"8:08"``, ``-0.33`` -> ``"-0:20"``).

    Parameters
    ----------
    hours
        A finite number of hours.

    Returns
    -------
    str
        Whole hours (with a thousands separator), a colon and two-digit minutes, rounded to the
        minute; a minus sign for a negative duration of a minute or more.
    """
    minutes = round(abs(hours) * 60)
    sign = "-" if hours < 0 and minutes else ""
    return f"{sign}{minutes // 60:,}:{minutes % 60:02d}"


def km(value: float) -> str:
    """Kilometres with one decimal and a thousands separator (``1771.94`` -> ``"1,771.9"``)."""
    return f"{value:,.1f}"


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _is_duration(title: str) -> bool:
    return title == "h" or title.endswith(" h")


def _is_km(title: str) -> bool:
    return title == "km" or title.startswith("km ") or (title.endswith(" km") and not title.endswith("per km"))


def _decimals(values: Sequence[float]) -> int:
    """Decimals of a column of numbers: 0 when all are whole, else 1, 2 or 3 by the largest."""
    finite = [abs(float(v)) for v in values if math.isfinite(v)]
    if all(v.is_integer() for v in finite):
        return 0
    largest = max(finite)
    return 1 if largest >= 10 else 2 if largest >= 1 else 3


def _number_format(title: str, values: Sequence[Any]) -> Callable[[float], str]:
    """How a column of numbers titled ``title`` writes its values (see the module docstring)."""
    if _is_duration(title):
        return hours_minutes
    if _is_km(title):
        return km
    if "year" in title:
        return str
    decimals = _decimals([v for v in values if _is_number(v)])
    return lambda value: f"{value:,.{decimals}f}"


def _text(value: Any) -> str:
    if is_missing(value):
        return ""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def domains(source: str) -> str:
    """A source for a table: each web address in it replaced by its domain, other text kept.

    ``"https://www.example.com/a ; https://news.cgtn.com/b"`` -> ``"example.com ; news.cgtn.com"``.
    """
    return WEB_ADDRESS.sub(lambda found: (urlsplit(found[0]).hostname or found[0]).removeprefix("www."), source)


# -- tables ----------------------------------------------------------------------------------------


@dataclass
class _Column:
    """A table column ready to draw: its title and the text of its cells."""

    title: str
    cells: list[str]
    numeric: bool

    @property
    def ids(self) -> bool:
        """Whether the cells are single words (ids, codes) that read badly when wrapped."""
        return not self.numeric and all(len(cell.split()) <= 1 for cell in self.cells)

    def width(self, title_word: int | None = None) -> int:
        """Width of the widest cell or title word; a number column's title words count up to ``title_word``."""
        widest = max((len(cell) for cell in self.cells), default=1)
        word = max(len(part) for part in self.title.split() or [""])
        if self.numeric and title_word is not None:
            word = min(word, title_word)
        return max(widest, word, 1)


@dataclass(frozen=True)
class _Layout:
    """How a table fits the terminal: a cap on number titles' words, an outer frame, which id columns stay whole."""

    title_word: int | None
    edge: bool
    whole: frozenset[int]


def _layout(columns: Sequence[_Column]) -> _Layout:
    """The roomiest layout that fits: number titles whole, then capped, then no outer frame, then fewer whole ids.

    Id columns stay on one line, the narrowest first when not all of them fit; the rest wrap
    like names. Numbers are never cut.
    """
    ids = sorted((i for i, column in enumerate(columns) if column.ids), key=lambda i: columns[i].width())
    tries = [_Layout(None, True, frozenset(ids)), _Layout(TITLE_WORD_WIDTH, True, frozenset(ids))]
    tries += [_Layout(TITLE_WORD_WIDTH, False, frozenset(ids[:keep])) for keep in range(len(ids), -1, -1)]
    return next((layout for layout in tries if _fits(columns, layout)), tries[-1])


def _title(key: str) -> str:
    """A column title from a row key: ``loss_hours`` -> ``loss hours``, so titles can wrap."""
    return key.replace("_", " ")


def _column(title: str, values: Sequence[Any]) -> _Column:
    """Format one column's values (numbers by :func:`_number_format`)."""
    present = [v for v in values if v is not None]
    if not present or not all(_is_number(v) for v in present):
        return _Column(title, [_text(v) for v in values], numeric=False)
    write = _number_format(title, present)
    cells = ["" if v is None or not math.isfinite(v) else write(v) for v in values]
    return _Column(f"{title}:mm" if _is_duration(title) else title, cells, numeric=True)


def _fits(columns: Sequence[_Column], layout: _Layout) -> bool:
    """Whether the columns fit the terminal with numbers and whole ids at full width, other text at its narrowest."""
    borders = 3 * len(columns) + (1 if layout.edge else -3)
    widths = [
        column.width(layout.title_word) if column.numeric or i in layout.whole else min(column.width(), NAME_MIN_WIDTH)
        for i, column in enumerate(columns)
    ]
    return borders + sum(widths) <= console.width


def _legend(titles: Sequence[str]) -> str | None:
    """One line explaining the columns of :data:`COLUMN_LEGENDS` among ``titles``."""
    found = [title for title in COLUMN_LEGENDS if title in titles]
    if not found:
        return None
    penalty = 0.0
    if "loss hours" in found:
        from corridor.centrality import UNSERVED_PENALTY_H as penalty  # only criticality has this column
    return "; ".join(f"{title}: {COLUMN_LEGENDS[title].format(penalty=penalty)}" for title in found)


def table(title: str, rows: Sequence[dict], *, columns: Sequence[str] | None = None) -> None:
    """Print a list of dicts as a table with one column per key.

    Keys become titles with spaces for underscores; numbers are written by the rules of the
    module docstring; titles of :data:`COLUMN_LEGENDS` get a legend under the table; the
    columns are laid out by :func:`_layout`.
    """
    if not rows:
        console.print(f"{title}: nothing to show")
        return
    keys = list(columns or rows[0].keys())
    drawn = [_column(_title(key), [row.get(key) for row in rows]) for key in keys]
    layout = _layout(drawn)
    if title:  # on a line of its own: a table's title would wrap at the table's width
        console.print(Text(title, style="table.title"))
    out = Table(show_edge=layout.edge, pad_edge=layout.edge)
    for i, column in enumerate(drawn):
        if column.numeric:
            width = column.width(layout.title_word)
            header = column.title if width >= column.width() else column.title.replace("-", "- ")  # wrap after hyphens
            out.add_column(header, justify="right", width=width, overflow="fold")
        else:
            out.add_column(column.title, no_wrap=i in layout.whole, overflow="fold")
    for cells in zip(*(column.cells for column in drawn), strict=True):
        out.add_row(*map(Text, cells))
    console.print(out)
    legend = _legend([column.title for column in drawn])
    if legend:
        console.print(Text(legend))


# -- commands --------------------------------------------------------------------------------------


def overview(report: dict) -> None:
    """Print the network summary and the key routes."""
    summary = report["summary"]
    console.print(f"[bold]Network[/bold] {summary['source']}: {summary['hubs']['total']} hubs, {summary['links']['total']} links")
    console.print("Hubs by kind: " + ", ".join(f"{k} {n}" for k, n in summary["hubs"]["by_kind"].items()))
    rows = []
    for mode, counts in summary["links"]["by_mode"].items():
        length = summary["km"][mode]
        rows.append(
            {
                "mode": MODE_LABELS.get(mode, mode),
                "open": counts["open"],
                "under construction": counts["under_construction"],
                "planned": counts["planned"],
                "km open": length["open"],
                "km building/planned": round(length["under_construction"] + length["planned"], 1),
            }
        )
    table("Links by mode and status", rows)
    year = report.get("year")
    name = _hub_namer(report)
    routes = []
    for row in report["routes"]:
        what = f"{row['profile']}, {'fastest' if row['by'] == 'time' else 'cheapest'}"
        routes.append(
            {
                "from": name(row["origin"]),
                "to": name(row["destination"]),
                "route": what,
                "door to door h": row.get("time_h"),
                "moving h": row.get("moving_h"),
                "km": row.get("length_km"),
                "via": " > ".join(row.get("via", [])) if "via" in row else row.get("error", "no route"),
            }
        )
    table(f"Key routes ({'network of ' + str(year) if year else 'links open today'})", routes)
    options = [
        {"from": name(row["origin"]), "to": name(row["destination"]), "chain": o["chain"], "door to door h": o["time_h"],
         "moving h": o["moving_h"], "km": o["length_km"], "cost": o["cost"], "kg CO2e/TEU": o["co2_kg"], "transfers": o["transfers"]}
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
        moving = _moving_label(route["modes"])
        console.print(
            f"[bold]Route {route['rank']}[/bold] {names[report['origin']]} to {names[report['destination']]} "
            f"({report['profile']}, by {report['by']}, {network}): {hours_minutes(route['time_h'])} h door to door, "
            f"{hours_minutes(route['moving_h'])} h {moving}, {km(route['length_km'])} km, "
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
        rows.append({"mode": "", "line": "getting on and off (terminals)", "from": "", "to": "", "km": None, "h": route["terminal_h"]})
        rows.append({"mode": "", "line": f"total {moving}", "from": "", "to": "", "km": None, "h": route["moving_h"]})
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
#: How an OD matrix writes its values, and their unit, by what it measures.
MATRIX_FORMATS: dict[str, tuple[Callable[[float], str], str]] = {
    "time": (hours_minutes, "h:mm"),
    "length": (km, "km"),
    "cost": (lambda v: f"{v:,.1f}", "generalised cost"),
    "co2": (lambda v: f"{v:,.1f}", "kg CO2e"),
}


def matrix(frame: pd.DataFrame, by: str) -> None:
    """Print an OD matrix (its first ``MAX_MATRIX_COLUMNS`` columns when wider), ``-`` where no route."""
    if len(frame.columns) > MAX_MATRIX_COLUMNS:
        Console(stderr=True).print(
            f"showing {MAX_MATRIX_COLUMNS} of {len(frame.columns)} columns; use --out FILE (.csv, .parquet) or --json for the whole skim"
        )
        frame = frame.iloc[:, :MAX_MATRIX_COLUMNS]
    write, unit = MATRIX_FORMATS[by]
    out = Table(title=f"OD skim by {by} ({unit}; - where there is no route)", title_justify="left")
    out.add_column("from \\ to", no_wrap=True)
    for column in frame.columns:
        out.add_column(str(column), justify="right", overflow="fold")
    for origin, row in frame.iterrows():
        out.add_row(str(origin), *("-" if not math.isfinite(v) else write(v) for v in row))
    console.print(out)


# -- whatif ----------------------------------------------------------------------------------------

#: What each list of a scenario's ``changes`` does, in the order a link is listed under (once);
#: ``{year}`` is the scenario's year (``today`` for links open today).
CHANGE_VERBS = {
    "added_hubs": "new hub",
    "changed_hubs": "hub changed",
    "removed_hubs": "hub removed",
    "closed_hubs": "hub closed",
    "added_links": "new link",
    "opened_links": "opens",
    "changed_links": "changed",
    "removed_links": "removed",
    "closed_links": "closed",
    "entering_service": "in service by {year}",
    "leaving_service": "out of service by {year}",
}


def change_rows(changes: dict[str, list[str]], link_names: dict[str, str], *, year: int | None = None) -> list[dict[str, str]]:
    """One row per hub or link a scenario changes, under the first of :data:`CHANGE_VERBS` that lists it.

    Parameters
    ----------
    changes
        A whatif report's ``changes`` (id lists, see :meth:`corridor.scenario.AppliedScenario.diff`):
        an opened link is also changed and enters service, but is listed once.
    link_names
        Names of links by id; a link without one is shown by its id.
    year
        The scenario's year (``None``: links open today).

    Returns
    -------
    list of dict
        ``change`` (the verb) and ``what`` (a link's name, or a hub's id).
    """
    seen: set[tuple[bool, str]] = set()
    rows = []
    for key, verb in CHANGE_VERBS.items():
        hub = key.endswith("hubs")
        for item in changes.get(key, []):
            if (hub, item) not in seen:
                seen.add((hub, item))
                rows.append({"change": verb.format(year=year or "today"), "what": item if hub else link_names.get(item) or item})
    return rows


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
    table("What the scenario changes", change_rows(report["changes"], report.get("link_names", {}), year=report["year"]))
    moving = "on trains" if report["profile"] == "passenger" and report.get("modes") and set(report["modes"]) <= {"hsr", "rail"} else "moving"
    pairs_by = "single services (one train or vehicle where one runs, else the fastest trip)" if report.get("direct") else chosen
    table(f"Key pairs by {pairs_by}: door to door and {'on trains' if moving == 'on trains' else 'on the move'}", _pair_rows(report, moving))
    name = _hub_namer(report)
    for r in report["pairs"]:
        if r["route_changed"] and r["before_via"] and r["after_via"]:
            console.print(f"  {name(r['origin'])} to {name(r['destination'])}: {' > '.join(r['before_via'])}\n    now {' > '.join(r['after_via'])}")
    if report["published"]:
        rows = [
            {"from": name(p["origin"]), "to": name(p["destination"]), "case": p["case"], "published h": p["published_h"], "model h": p["model_h"],
             "difference h": p["difference_h"], "door to door h": p["model_time_h"], "verdict": "agrees" if p["agrees"] else "DIFFERS",
             "source": domains(p["source"])}
            for p in report["published"]
        ]  # fmt: skip
        table("Model vs published fastest runs (time on trains; full sources in --json)", rows)
    _demand_summary(report, chosen)
    gravity = report["demand"].get("unit", DEMAND_UNIT_GRAVITY) == DEMAND_UNIT_GRAVITY
    table(f"Pairs that gain most (demand-weighted {'time' if by == 'time' else 'generalised cost'})", _gain_rows(report, gravity))
    shifts = [
        {"hub": r["name"], "rank before": r["rank_before"], "rank after": r["rank_after"], "shift": r["shift"],
         "score before": r["score_before"], "score after": r["score_after"]}
        for r in report["rank_shifts"]
    ]  # fmt: skip
    table("Hub centrality rank shifts (betweenness; + rises)", shifts)
    for note in report["notes"]:
        console.print(f"[yellow]note:[/yellow] {note}")
    if "co2" in report:
        console.print(report["co2"]["explanation"])
    if report.get("accessibility"):
        accessibility(report["accessibility"])
    if report.get("mode_shares"):
        rows = [
            {"from": name(r["origin"]), "to": name(r["destination"]), "chain": chain, "share before %": round(100 * r["before"].get(chain, 0.0), 1),
             "share after %": round(100 * r["after"].get(chain, 0.0), 1), "shift points": points}
            for r in report["mode_shares"] for chain, points in r["shift_points"].items() if points
        ]  # fmt: skip
        if rows:
            table(f"Mode-share shifts ({report['mode_shares'][0]['label']}; logit over generalised cost)", rows)
        console.print(report["mode_share_summary"]["explanation"])


def _hub_namer(report: dict) -> Callable[[str], str]:
    """Hub id to its name, from the report's ``hub_names`` (the id where it has none)."""
    names = report.get("hub_names") or {}
    return lambda hub: names.get(hub) or hub


def _pair_rows(report: dict, moving: str) -> list[dict[str, Any]]:
    """The key pairs table: hours of the routes chosen, with their cost saving (or, by cost, costs and hours)."""
    name = _hub_namer(report)
    if report.get("by", "time") == "time":
        return [
            {"from": name(r["origin"]), "to": name(r["destination"]), "before h": r["before_h"], "after h": r["after_h"], "saving h": r["saving_h"],
             f"{moving} before h": r["before_moving_h"], f"{moving} after h": r["after_moving_h"], "cost saving": r.get("saving_cost"),
             "note": r["note"]}
            for r in report["pairs"]
        ]  # fmt: skip
    return [
        {"from": name(r["origin"]), "to": name(r["destination"]), "cost before": r.get("before_cost"), "cost after": r.get("after_cost"),
         "cost saving": r.get("saving_cost"), "before h": r["before_h"], "after h": r["after_h"], "saving h": r["saving_h"],
         "note": r["note"]}
        for r in report["pairs"]
    ]  # fmt: skip


def _gain_rows(report: dict, gravity: bool) -> list[dict[str, Any]]:
    """The top gains table: the saving by the report's criterion, weighted by demand."""
    flow = "demand (index)" if gravity else "flow"
    name = _hub_namer(report)
    if report.get("by", "time") == "time":
        return [
            {"from": name(g["origin"]), "to": name(g["destination"]), "before h": g["before_h"], "after h": g["after_h"], "saving h": g["saving_h"],
             flow: g["flow"], "demand-weighted saving": g["weighted_saving_h"]}
            for g in report["top_gains"]
        ]  # fmt: skip
    return [
        {"from": name(g["origin"]), "to": name(g["destination"]), "saving h": g["saving_h"], "saving cost": g.get("saving_cost"), flow: g["flow"],
         "demand-weighted cost saving": g.get("weighted_saving_cost")}
        for g in report["top_gains"]
    ]  # fmt: skip


def _demand_summary(report: dict, chosen: str) -> None:
    """The lines on the demand-weighted saving under the key pairs."""
    from corridor.whatif import DEMAND_UNIT_GRAVITY

    demand = report["demand"]
    unit = demand.get("unit", DEMAND_UNIT_GRAVITY)
    console.print(
        f"Demand-weighted saving ({chosen}): {report['total_saving_h']:,.1f} {unit} over {demand['cities']} cities "
        f"(mean saving {hours_minutes(demand['mean_saving_h'])} h, weighted by demand; {demand['source']})"
    )
    if "total_saving_cost" in report:
        console.print(
            f"  generalised cost: {report['total_saving_cost']:,.1f} demand-weighted cost units "
            f"(mean saving {demand.get('mean_saving_cost', 0.0):,.1f}, weighted by demand)"
        )
    if unit == DEMAND_UNIT_GRAVITY:
        console.print("  the gravity model's flows are a relative index, not trips or tonnes: compare scenarios by it, do not read it as hours a year")
    if demand["newly_connected_flow"] or demand["disconnected_flow"]:
        console.print(f"  newly connected demand {demand['newly_connected_flow']:,.1f}; demand cut off {demand['disconnected_flow']:,.1f}")


def options(report: dict) -> None:
    """Print the options by mode chain (``corridor options``) as one table."""
    unit = "TEU" if report["profile"] == "freight" else "passenger"
    network = f"network of {report['year']}" if report.get("year") is not None else "network open today"
    share = f"share % ({report.get('share_label', 'indicative')})"
    rows = [
        {"chain": o["chain"], "door to door h": o["time_h"], "moving h": o["moving_h"], "km": o["length_km"], "cost": o["cost"],
         f"kg CO2e/{unit}": o["co2_kg"], "transfers": o["transfers"], share: round(100 * o["share"], 1) if "share" in o else None}
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
    rows = [
        {"mode": mode, **{f"{basis} km": value for basis, value in bases.items()}, "total km": round(sum(bases.values()), 1)}
        for mode, bases in report["km_by_basis"].items()
    ]
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

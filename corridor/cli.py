"""The ``corridor`` command line: parse, call the library, print.

Every table command prints a readable table on a terminal and the same data
as JSON with ``--json``. Errors a user can cause print one line on stderr
and exit with status 2; no traceback.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from corridor._errors import CorridorError

if TYPE_CHECKING:
    from typer._click.exceptions import UsageError

    from corridor.network import Network
    from corridor.params import ModelParams
    from corridor.scenario import AppliedScenario

app = typer.Typer(
    name="corridor",
    help="Analyse logistics corridor networks: routes, hubs, what-if scenarios and maps.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=False,
)

NetworkOption = Annotated[
    Path | None,
    typer.Option(
        "--network", "-n",
        help="Folder with hubs.geojson and links.geojson, or a GeoPackage from `corridor export` or `corridor import-osm` (default: the built-in corridor).",
    ),
]
ProfileOption = Annotated[
    str, typer.Option("--profile", "-p", callback=lambda value: value.lower() if isinstance(value, str) else value, help="freight (no HSR) or passenger.")
]
ModeProfileOption = Annotated[
    str | None,
    typer.Option(
        "--profile", "-p", callback=lambda value: value.lower() if isinstance(value, str) else value,
        help="freight (no HSR) or passenger (default: passenger when --modes names hsr, else freight).",
    ),
]
YearOption = Annotated[
    int | None, typer.Option("--year", "-y", min=1800, max=2100, help="The network as of this year (default: what is open now).")
]
ModesOption = Annotated[str | None, typer.Option("--modes", help="Only these modes, comma-separated: hsr,rail,expressway,waterway,sea.")]
AvoidOption = Annotated[str | None, typer.Option("--avoid", help="Never these modes, comma-separated.")]
ParamsOption = Annotated[Path | None, typer.Option("--params", help="TOML file overriding model parameters (layout of corridor/model.toml).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Split the sweep into tasks on a Dask distributed scheduler: tcp://HOST:PORT, or local for a cluster on this machine "
        "(needs pip install 'corridor[scale]'). Same results as without it.",
    ),
]


def _split(value: str | None) -> list[str] | None:
    """Comma-separated names as a list (``None`` when the option is not given)."""
    if value is None:
        return None
    names = [part.strip() for part in value.split(",") if part.strip()]
    if not names:
        msg = f"{value!r} names no mode; give modes separated by commas, e.g. hsr,rail"
        raise CorridorError(msg)
    return names


def _model(params: Path | None) -> ModelParams:
    """The model parameters: ``corridor/model.toml`` with the ``--params`` file's overrides."""
    from corridor.params import ModelParams

    return ModelParams.from_file(params) if params else ModelParams()


def _apply(base: Network, scenario: str | Path, model: ModelParams) -> AppliedScenario:
    """A scenario (file or built-in name) applied to ``base``."""
    from corridor.scenario import apply_scenario, load_scenario

    return apply_scenario(base, load_scenario(scenario), params=model)


def _load_graph(
    network: Path | None, profile: str | None, year: int | None, modes: str | None, avoid: str | None, params: Path | None, *, geometry: bool = True
):
    """The routing graph the options ask for (edge geometry only with ``geometry``); no profile means passenger when the modes name hsr."""
    from corridor.graph import graph_from_network
    from corridor.io import load_network

    model = _model(params)
    profile = _profile_for(profile, _split(modes) or ())
    return graph_from_network(
        load_network(network), profile=profile, year=year, modes=_split(modes), avoid=_split(avoid), params=model, geometry=geometry
    )


def _profile_for(profile: str | None, modes: Iterable[str]) -> str:
    """The profile asked for, else passenger when the modes name hsr (it carries no freight), else freight."""
    return profile or ("passenger" if "hsr" in [mode.lower() for mode in modes] else "freight")


@contextlib.contextmanager
def _progress_bar(description: str) -> Iterator[Callable[[int, int], None] | None]:
    """A ``progress(done, total)`` drawing a bar on stderr when it is a terminal, else ``None``."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


@app.command()
def overview(
    network: NetworkOption = None,
    year: YearOption = None,
    params: ParamsOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the overview map (HTML).")] = Path("maps/corridor.html"),
    write_map: Annotated[bool, typer.Option("--map/--no-map", help="Also write the interactive map.")] = True,
    tiles: Annotated[str | None, typer.Option("--tiles", help="Add web tiles over the shipped basemap: osm (needs the network).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Summarise the network, show the key routes, and write the overview map."""
    from corridor import _render
    from corridor.io import load_network
    from corridor.overview import network_overview

    model = _model(params)
    loaded = load_network(network)
    report = network_overview(loaded, year=year, params=model)
    if write_map:
        from corridor.maps import write_overview_map

        report["map"] = str(write_overview_map(loaded, out, year=year, tiles=tiles))
    if as_json:
        _print_json(report)
        return
    _render.overview(report)
    if write_map:
        typer.echo(f"map: {report['map']}")


@app.command()
def validate(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Networks to check: folders (hubs.geojson + links.geojson) or GeoPackages (default: the built-in one).")
    ] = None,
    report: Annotated[bool, typer.Option("--report", help="Also report sourcing: published-length share, knowledge flags, geometry vs length.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Check network files: one line per network; exit 0 when all are valid, else 2."""
    from corridor.io import load_network
    from corridor.sourcing import sourcing_report

    checked: list[dict[str, Any]] = []
    targets: list[Path | None] = [*paths] if paths else [None]
    for path in targets:
        name = str(path) if path is not None else "built-in"
        try:
            network = load_network(path)
        except CorridorError as exc:
            checked.append({"path": name, "valid": False, "error": str(exc)})
        else:
            hubs = int((network.hubs["kind"] != "junction").sum())
            row: dict[str, Any] = {"path": name, "valid": True, "hubs": hubs, "junctions": len(network.hubs) - hubs, "links": len(network.links)}
            if report:
                row["sourcing"] = sourcing_report(network)
            checked.append(row)
    if as_json:
        _print_json({"valid": all(row["valid"] for row in checked), "networks": checked})
    else:
        from corridor import _render

        for row in checked:
            if row["valid"]:
                junctions = f", {row['junctions']:,} junctions" if row["junctions"] else ""
                typer.echo(f"{row['path']}: valid ({row['hubs']} hubs{junctions}, {row['links']:,} links)")
                if report:
                    _render.sourcing(row["sourcing"])
            else:
                typer.echo(f"corridor: error: {row['error']}", err=True)
    if not all(row["valid"] for row in checked):
        raise typer.Exit(2)


@app.command()
def hubs(network: NetworkOption = None, as_json: JsonOption = False) -> None:
    """List the hubs with their ids and names (not the junctions of an imported network)."""
    from corridor import _render
    from corridor.io import load_network

    frame = load_network(network).hubs
    frame = frame[frame["kind"] != "junction"]
    rows = [
        {"id": h["id"], "name": h["name"], "name_zh": h["name_zh"], "kind": h["kind"], "city": h["city"], "country": h["country"]}
        for _, h in frame.iterrows()
    ]
    if as_json:
        _print_json({"hubs": rows})
        return
    _render.table("Hubs", rows)


@app.command()
def route(
    origin: Annotated[str, typer.Argument(help="Hub id or name (English, Chinese, pinyin).")],
    destination: Annotated[str, typer.Argument(help="Hub id or name.")],
    by: Annotated[str, typer.Option("--by", help="time, length or cost.")] = "time",
    k: Annotated[int, typer.Option("--k", min=1, help="Number of routes (the best and k-1 alternatives).")] = 1,
    profile: ModeProfileOption = None,
    year: YearOption = None,
    modes: ModesOption = None,
    avoid: AvoidOption = None,
    network: NetworkOption = None,
    params: ParamsOption = None,
    geojson: Annotated[Path | None, typer.Option("--geojson", help="Also write the routes to this GeoJSON file.")] = None,
    direct: Annotated[bool, typer.Option("--direct", help="One vehicle, no change on the way: the fastest train a timetable quotes.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Fastest, shortest or cheapest routes between two hubs, with alternatives."""
    from corridor import _render
    from corridor.routing import find_routes, routes_report, write_routes_geojson

    graph = _load_graph(network, profile, year, modes, avoid, params, geometry=geojson is not None)
    routes = find_routes(graph, origin, destination, by=by, k=k, direct=direct)
    report = routes_report(graph, routes, by=by)
    if geojson:
        write_routes_geojson(routes, geojson, report)
    if as_json:
        _print_json(report)
        return
    _render.routes(report)


@app.command()
def od(
    hubs_: Annotated[str | None, typer.Option("--hubs", help="Comma-separated hubs (default: all hubs).")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the skim to this .csv or .parquet file.")] = None,
    by: Annotated[str, typer.Option("--by", help="time (h), length (km), cost or co2 (kg CO2e per TEU or passenger, least-emitting routes).")] = "time",
    profile: ModeProfileOption = None,
    year: YearOption = None,
    modes: ModesOption = None,
    avoid: AvoidOption = None,
    network: NetworkOption = None,
    params: ParamsOption = None,
    scheduler: SchedulerOption = None,
    as_json: JsonOption = False,
) -> None:
    """Origin-destination skim (travel time or length matrix) between hubs."""
    from corridor import _render
    from corridor.routing import skim_matrix, write_matrix

    graph = _load_graph(network, profile, year, modes, avoid, params, geometry=False)
    if hubs_ is not None and not _split(hubs_):
        msg = f"--hubs {hubs_!r} names no hub; give comma-separated hub names, or leave it out for all hubs"
        raise CorridorError(msg)
    if scheduler:
        from corridor import sweeps

        with sweeps.connect(scheduler) as client, _progress_bar("origin blocks (tasks)") as progress:
            matrix = sweeps.skim_matrix(client, graph, _split(hubs_), by=by, progress=progress)
    else:
        matrix = skim_matrix(graph, _split(hubs_), by=by)
    if out:
        write_matrix(matrix, out)
        typer.echo(f"wrote {len(matrix)}x{len(matrix)} {by} skim to {out}", err=True)
    if as_json:
        _print_json({"by": by, "profile": graph.graph["profile"], "hubs": list(matrix.index), "matrix": _render.matrix_rows(matrix)})
    elif not out:
        _render.matrix(matrix, by)


@app.command()
def calibrate(
    network: NetworkOption = None,
    shares: Annotated[
        Path | None, typer.Option("--shares", help="Fit the mode-share logit to observed shares instead (CSV: origin,destination,chain,share).")
    ] = None,
    profile: ProfileOption = "freight",
    year: YearOption = None,
    params: ParamsOption = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="With --shares: write the fitted parameters here (TOML for --params).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Fit the travel-time model to the published times in geodata/calibration_times.csv (or mode shares, --shares)."""
    if shares is not None:
        _calibrate_shares(shares, network=network, profile=profile, year=year, params=params, out=out, as_json=as_json)
        return
    from corridor import _render
    from corridor.calibration import calibrate as fit
    from corridor.calibration import mape, read_calibration_rows
    from corridor.io import load_network

    fitted_params, rows = fit(load_network(network), read_calibration_rows())
    fitted = {
        "passenger.speed_factor.hsr": fitted_params.value("passenger", "speed_factor", "hsr"),
        "passenger.dwell_h.hsr": fitted_params.value("passenger", "dwell_h", "hsr"),
        "passenger.speed_factor.rail": fitted_params.value("passenger", "speed_factor", "rail"),
        "freight.speed_factor.rail": fitted_params.value("freight", "speed_factor", "rail"),
        "freight.speed_kmh.expressway": fitted_params.value("freight", "speed_kmh", "expressway"),
    }
    table = [
        {"id": r.id, "from": r.origin, "to": r.destination, "modes": r.modes_label, "year": r.year, "fitted": r.fitted,
         "published h": r.published_h, "model h": round(r.model_h, 3), "residual h": round(r.residual_h, 3),
         "speed model h": round(r.speed_model_h, 3)}
        for r in rows
    ]
    summary = {
        f"{profile} MAPE %": {"model": round(mape(chosen), 1), "speed model alone": round(mape(chosen, speed_model=True), 1)}
        for profile in ("passenger", "freight")
        if (chosen := [r for r in rows if r.profile == profile])
    }
    if as_json:
        _print_json({"fitted": fitted, "mape": summary, "rows": table})
        return
    _render.table("Fitted parameters", [{"parameter": k, "value": f"{v:g}"} for k, v in fitted.items()])
    shown = [{key: value for key, value in row.items() if key not in ("from", "to")} for row in table]  # the id names the pair; --json has the hubs
    _render.table("Published vs model (time on trains for passenger rows, door to door for freight)", shown)
    typer.echo("fitted: the row takes part in the fit (the others test the model out of sample); speed model: the time with "
               "published section times switched off (what lines without a published time rely on)")
    _render.table("Mean absolute percentage error", [{"rows": k, **v} for k, v in summary.items()])


def _calibrate_shares(path: Path, *, network, profile: str, year, params, out, as_json: bool) -> None:
    """Fit the logit's scale and mode-chain constants to observed shares (``calibrate --shares``)."""
    from corridor import _render
    from corridor._io import write_text_atomic
    from corridor.options import options_by_mode_chain
    from corridor.shares import fit_shares, fitted_params_toml, observed_pair, read_observed_shares

    graph = _load_graph(network, profile, year, None, None, params)
    observed = read_observed_shares(path)
    pairs = [observed_pair(o, d, options_by_mode_chain(graph, o, d), shares) for (o, d), shares in observed.items()]
    fit = fit_shares(pairs)
    if out:
        write_text_atomic(out, fitted_params_toml(profile, fit))
    if as_json:
        _print_json({"profile": profile, **fit})
        return
    _render.table(
        f"Fitted mode-share logit ({profile}): scale {fit['share_scale']:g} per CNY, log-likelihood {fit['log_likelihood']}",
        [{"chain": chain, "constant": value, "reference": chain == fit["reference"]} for chain, value in fit["share_constants"].items()],
    )
    _render.table(
        "Observed vs fitted shares",
        [{"from": r["origin"], "to": r["destination"], **share} for r in fit["pairs"] for share in r["shares"]],
    )
    if out:
        typer.echo(f"wrote {out}: pass it with --params to use calibrated shares", err=True)


@app.command()
def options(
    origin: Annotated[str, typer.Argument(help="Hub id or name (English, Chinese, pinyin).")],
    destination: Annotated[str, typer.Argument(help="Hub id or name.")],
    by: Annotated[str, typer.Option("--by", help="Best route within each chain by cost (default), time, length or co2.")] = "cost",
    profile: ProfileOption = "freight",
    year: YearOption = None,
    network: NetworkOption = None,
    params: ParamsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Options by mode chain: the best route of each feasible chain (rail+sea, road+sea, ...), CO2 and indicative shares."""
    from corridor import _render
    from corridor.options import options_by_mode_chain, options_report
    from corridor.shares import option_shares, share_label

    model = _model(params)
    graph = _load_graph(network, profile, year, None, None, params)
    found = options_by_mode_chain(graph, origin, destination, by=by)
    report = options_report(graph, found, by=by)
    label = share_label(model, profile)
    for row, share in zip(report["options"], option_shares(found, model, profile), strict=True):
        row["share"] = round(share, 3)
    report["share_label"] = label
    if as_json:
        _print_json(report)
        return
    _render.options(report)


DemandOption = Annotated[
    Path | None,
    typer.Option("--demand", help="OD demand table (CSV: origin,destination,flow); default: the gravity model on city populations."),
]
StationsOption = Annotated[bool, typer.Option("--stations", help="Rank single stations and terminals, not cities with their stations.")]
CsvOption = Annotated[Path | None, typer.Option("--csv", help="Also write the table to this CSV file.")]


@app.command()
def rank(
    by: Annotated[str, typer.Option("--by", help="betweenness, closeness, degree, strength or demand.")] = "betweenness",
    top: Annotated[int, typer.Option("--top", min=1, help="Show this many hubs.")] = 15,
    stations: StationsOption = False,
    demand: DemandOption = None,
    sample: Annotated[int | None, typer.Option("--sample", min=1, help="Betweenness from this many sampled origin cities (large networks).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of --sample.")] = 0,
    compare_year: Annotated[int | None, typer.Option("--compare-year", help="Show each hub's rank change since the network of this year.")] = None,
    scenario: Annotated[
        Path | None, typer.Option("--scenario", help="Rank on a scenario (TOML or built-in name) and show each hub's change from its baseline.")
    ] = None,
    profile: ProfileOption = "freight",
    year: YearOption = None,
    modes: ModesOption = None,
    avoid: AvoidOption = None,
    network: NetworkOption = None,
    params: ParamsOption = None,
    csv_out: CsvOption = None,
    as_json: JsonOption = False,
) -> None:
    """Rank hubs by centrality: betweenness, closeness, degree, strength or demand flow."""
    from corridor import _render
    from corridor._io import write_text_atomic
    from corridor.centrality import compare_rankings, hub_ranking, ranking_report
    from corridor.demand import demand_matrix

    if demand is not None and by != "demand":
        msg = f"--demand weights only --by demand (got --by {by})"
        raise CorridorError(msg)
    if sample is not None and by != "betweenness":
        msg = f"--sample applies to --by betweenness only (got --by {by})"
        raise CorridorError(msg)
    if compare_year is not None and not 1800 <= compare_year <= 2100:
        msg = f"--compare-year {compare_year} is out of range; give a year between 1800 and 2100"
        raise CorridorError(msg)
    if scenario is not None and (compare_year is not None or year is not None):
        msg = "--scenario sets its own years; leave out --year and --compare-year"
        raise CorridorError(msg)

    def ranking_of(graph):
        flows = None
        if by == "demand":
            flows = demand_matrix(graph, csv=demand)
        return hub_ranking(graph, measure=by, demand=flows, by_station=stations, k=sample, seed=seed)

    if scenario is not None:
        from corridor.io import load_network
        from corridor.scenario import scenario_graphs

        base = load_network(network)
        model = _model(params)
        applied = _apply(base, scenario, model)
        before, graph = scenario_graphs(base, applied, profile=profile, modes=_split(modes), avoid=_split(avoid), params=model)
        ranking = compare_rankings(ranking_of(graph), ranking_of(before))
    else:
        graph = _load_graph(network, profile, year, modes, avoid, params)
        ranking = ranking_of(graph)
        if compare_year is not None:
            ranking = compare_rankings(ranking, ranking_of(_load_graph(network, profile, compare_year, modes, avoid, params)))
    ranking = ranking.head(top)
    if csv_out:
        write_text_atomic(csv_out, ranking.to_csv(index=False))
    report = ranking_report(graph, ranking, measure=by, by_station=stations)
    if as_json:
        _print_json(report)
        return
    since = f", rank change since {compare_year} (+ rises)" if compare_year is not None else ""
    if scenario is not None:
        since = f", rank change with scenario {scenario} (+ rises)"
    _render.table(f"Hubs by {by} ({profile}, {graph.graph.get('year') or 'open now'}{since})", ranking.to_dict(orient="records"))
    if "change" in ranking and len(ranking) and not ranking["change"].fillna(0).any():
        when = since.replace(", rank change", "").replace(" (+ rises)", "")
        typer.echo(f"note: no hub in this table changed rank{when}: nothing opened in between moves these hubs for {profile}", err=True)


@app.command()
def critical(
    top: Annotated[int, typer.Option("--top", min=1, help="Show this many hubs or links.")] = 10,
    links: Annotated[bool, typer.Option("--links", help="Remove links instead of hubs.")] = False,
    stations: StationsOption = False,
    demand: DemandOption = None,
    profile: ProfileOption = "freight",
    year: YearOption = None,
    modes: ModesOption = None,
    avoid: AvoidOption = None,
    network: NetworkOption = None,
    params: ParamsOption = None,
    csv_out: CsvOption = None,
    scheduler: SchedulerOption = None,
    as_json: JsonOption = False,
) -> None:
    """Which hub or link the corridor can least afford to lose: remove each in turn."""
    from corridor import _render
    from corridor._io import write_text_atomic
    from corridor.centrality import criticality, criticality_report
    from corridor.demand import demand_matrix

    graph = _load_graph(network, profile, year, modes, avoid, params)
    flows = demand_matrix(graph, csv=demand)
    what = f"removing {'links' if links else 'hubs'}"
    if scheduler:
        from corridor import sweeps

        with sweeps.connect(scheduler) as client, _progress_bar(f"{what} (tasks)") as progress:
            table = sweeps.criticality(client, graph, flows, links=links, top=top, by_station=stations, progress=progress)
    else:
        with _progress_bar(what) as progress:
            table = criticality(graph, flows, links=links, top=top, by_station=stations, progress=progress)
    if csv_out:
        write_text_atomic(csv_out, table.to_csv(index=False))
    if as_json:
        _print_json(criticality_report(graph, table, links=links))
        return
    what = "links" if links else ("stations" if stations else "hubs")
    _render.table(f"Most critical {what} ({profile}, {year or 'open now'}): demand-weighted hours added, OD pairs cut", table.to_dict(orient="records"))


@app.command("import-osm")
def import_osm(
    osm_file: Annotated[Path, typer.Argument(help="OpenStreetMap extract: .osm.pbf, or XML (.osm, .osm.bz2 or .osm.gz).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="GeoPackage to write (use it with --network).")],
    hubs_file: Annotated[
        Path | None,
        typer.Option(
            "--hubs",
            help="Hubs to snap: GeoJSON points or CSV (id,name,kind,lon,lat; optional name_zh,city,country,modes). "
            "Default: the extract's own named railway stations, ports, freight yards and places.",
        ),
    ] = None,
    places: Annotated[
        str | None,
        typer.Option(
            "--places",
            help="Without --hubs: place ranks that become city hubs, comma-separated: city,town,village,hamlet,suburb, or none (default: city,town).",
        ),
    ] = None,
    max_snap_km: Annotated[float, typer.Option("--max-snap-km", help="Farthest a hub may be from a mode's nearest node to get a terminal.")] = 10.0,
    as_json: JsonOption = False,
) -> None:
    """Import railways, expressways, ferries and waterways from OSM PBF or XML, snap hubs, write a GeoPackage."""
    from corridor import _render
    from corridor._io import check_output_path
    from corridor.io import save_network_gpkg
    from corridor.osm import DEFAULT_SPEEDS_KMH, is_pbf, network_from_pbf, network_from_xml, parse_places, summary

    check_output_path(out, (".gpkg",), what="GeoPackage")
    ranks = None if places is None else parse_places(places)
    with _render.status("importing...") as step:
        build = network_from_pbf if is_pbf(osm_file) else network_from_xml
        network = build(osm_file, hubs_file, places=ranks, max_snap_km=max_snap_km, on_step=step)
        step("writing the GeoPackage")
        save_network_gpkg(network, out)
    report = {**summary(network), "out": str(out)}
    if as_json:
        _print_json(report)
        return
    typer.echo(f"wrote {out}: {report['hubs']} hubs, {report['junctions']:,} junctions, {report['links']:,} links (© OpenStreetMap contributors, ODbL)")
    found = report["hubs_found"]
    if found is not None:
        counts = found["found"]
        what = {"rail_station": "railway station", "port": "port", "freight_yard": "freight yard", "place": "place"}
        listed = ", ".join(f"{counts[key]} {label}{'' if counts[key] == 1 else 's'}" for key, label in what.items())
        typer.echo(f"hubs from the extract (no --hubs): {listed} ({', '.join(found['places']) or 'no ranks'}); {found['unnamed']} unnamed left out")
    rows = [
        {"mode": mode, "links": count, "km": report["km_by_mode"][mode], "links without maxspeed": report["default_speed_edges"].get(mode, 0)}
        for mode, count in report["edges_by_mode"].items()
    ]
    _render.table("Imported by mode", rows)
    if any(report["default_speed_edges"].values()):
        speeds = ", ".join(f"{name} {speed:g}" for name, speed in DEFAULT_SPEEDS_KMH.items())
        typer.echo(f"links without maxspeed: no readable maxspeed tag; they run at their class's default speed in km/h ({speeds})")
    for item in report["unsnapped"]:
        where = "no such mode in the extract" if item["nearest_km"] is None else f"nearest node {item['nearest_km']} km away"
        typer.echo(f"note: hub '{item['hub']}' has no {item['mode']} terminal ({where})", err=True)
    for item in report["isolated"]:
        typer.echo(
            f"warning: hub '{item['hub']}' is on an isolated piece of {item['mode']} network ({item['piece_nodes']} nodes); "
            f"the main {item['mode']} network is {item['main_network_km']} km away (raise --max-snap-km to reach it)",
            err=True,
        )


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", "-o", help="GeoPackage to write (layers hubs and links).")],
    network: NetworkOption = None,
) -> None:
    """Export a network (hubs and links) to a GeoPackage that --network accepts."""
    from corridor.io import load_network, save_network_gpkg

    loaded = load_network(network)
    save_network_gpkg(loaded, out)
    typer.echo(f"wrote {out}: layers hubs ({len(loaded.hubs)}) and links ({len(loaded.links)})")


@app.command("map", context_settings={"allow_extra_args": True})
def map_(
    ctx: typer.Context,
    route_from: Annotated[
        list[str] | None,
        typer.Option(
            "--route", metavar="ORIGIN DESTINATION", help="Highlight the routes between two hubs (repeatable): --route Chongqing Singapore."
        ),
    ] = None,
    k: Annotated[int, typer.Option("--k", min=1, help="Routes per --route: the best and k-1 alternatives (lighter).")] = 3,
    by: Annotated[str, typer.Option("--by", help="Routes by time, length or cost.")] = "time",
    scenario: Annotated[
        Path | None, typer.Option("--scenario", help="Draw a scenario's changes (routes/X.toml or a built-in name) and its largest time savings.")
    ] = None,
    rank_by: Annotated[
        str, typer.Option("--rank", help="Size and colour hubs by betweenness, closeness, degree, strength or demand; none: by kind.")
    ] = "betweenness",
    profile: Annotated[
        str | None, typer.Option("--profile", "-p", help="freight or passenger (default: the scenario's profile, else freight).")
    ] = None,
    year: YearOption = None,
    network: NetworkOption = None,
    params: ParamsOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Interactive map to write (HTML).")] = Path("maps/corridor.html"),
    png: Annotated[Path | None, typer.Option("--png", help="Also write a static figure of the same map (.png, .svg or .pdf).")] = None,
    tiles: Annotated[str | None, typer.Option("--tiles", help="Add web tiles over the shipped basemap: osm (needs the network).")] = None,
    no_tiles: Annotated[bool, typer.Option("--no-tiles", hidden=True, help="No web tiles (the default).")] = False,
    offline: Annotated[
        bool, typer.Option("--offline/--cdn", help="Put Leaflet and jQuery in the HTML (default; no network needed) or load them from a CDN.")
    ] = True,
    fit: Annotated[str, typer.Option("--fit", help="Open on a scenario's changes (auto) or on everything (all).")] = "auto",
) -> None:
    """Write an interactive map of the network: layers by mode, hubs by centrality, routes, a scenario's changes."""
    from corridor.figures import check_figure_path, write_figure
    from corridor.io import load_network
    from corridor.maps import build_content, check_map_options, check_map_path, write_map

    # Both outputs are checked before anything is computed or written.
    check_map_path(out)
    check_map_options(tiles=tiles, fit=fit)
    if png:
        check_figure_path(png)

    # typer has no option taking two values repeatedly: each --route takes the origin, and
    # the destination that follows it arrives as an extra argument, in order.
    origins, destinations = route_from or [], list(ctx.args)
    if len(origins) != len(destinations):
        msg = (
            f"each --route takes two hubs, --route ORIGIN DESTINATION; got {len(origins)} --route and {len(destinations)} other words: "
            f"{' '.join(destinations)}"
        )
        raise CorridorError(msg)
    content = build_content(
        load_network(network),
        pairs=list(zip(origins, destinations, strict=True)),
        k=k,
        by=by,
        scenario=scenario,
        measure=rank_by,
        year=year,
        profile=profile,
        params=_model(params),
    )
    typer.echo(f"wrote {write_map(content, out, tiles=None if no_tiles else tiles, offline=offline, fit=fit)}", err=True)
    if png:
        typer.echo(f"wrote {write_figure(content, png, fit=fit)}", err=True)


@app.command()
def whatif(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (TOML, see routes/README.md) or the name of a built-in one.")],
    profile: Annotated[
        str | None, typer.Option("--profile", "-p", help="freight or passenger (default: the scenario's profile, else freight).")
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many top-gaining pairs and rank shifts to list.")] = 10,
    modes: ModesOption = None,
    demand: DemandOption = None,
    network: NetworkOption = None,
    params: ParamsOption = None,
    by: Annotated[
        str, typer.Option("--by", help="Routes by time (fastest) or cost (generalised cost: how freight chooses rail-sea).")
    ] = "time",
    as_json: JsonOption = False,
) -> None:
    """Compare the network before and after a scenario: times, routes, demand-weighted saving, hub ranks."""
    from corridor import _render
    from corridor.io import load_network
    from corridor.scenario import load_scenario
    from corridor.whatif import compare_scenario

    spec = load_scenario(scenario)
    model = _model(params)
    report = compare_scenario(
        load_network(network), spec, profile=profile, modes=_split(modes), params=model, demand_csv=demand, top=top, by=by
    )
    if as_json:
        _print_json(report)
        return
    _render.whatif(report)


HoursOption = Annotated[str, typer.Option("--hours", help="Hours (thresholds or bands), comma-separated.")]
ScenarioOption = Annotated[str | None, typer.Option("--scenario", help="Before and after this scenario (file or built-in name).")]


@app.command()
def accessibility(
    hubs: Annotated[list[str] | None, typer.Argument(help="Hubs to measure from (default: every city hub).")] = None,
    hours: HoursOption = "2,4,6",
    scenario: ScenarioOption = None,
    year: YearOption = None,
    network: NetworkOption = None,
    params: ParamsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Population within T hours door to door and a gravity index, per city hub and by mode (passenger)."""
    from corridor import _render
    from corridor.accessibility import accessibility_by_mode
    from corridor.hubs import resolve_hub
    from corridor.io import load_network

    base = load_network(network)
    model = _model(params)
    limits = _hours(hours)
    sides = [("", base, year, model)]
    if scenario:

        applied = _apply(base, scenario, model)
        sides = [("before", base, applied.baseline_year, model), ("after", applied.network, applied.year, applied.params)]
    frames = []
    for side, net, when, model_side in sides:
        origins = None
        if hubs:
            from corridor.graph import graph_from_network

            graph = graph_from_network(net, profile="passenger", year=when, params=model_side)
            origins = [resolve_hub(graph, hub) for hub in hubs]
        frame = accessibility_by_mode(net, year=when, params=model_side, hours=limits, origins=origins).reset_index()
        frame.insert(0, "side", side)
        frames.append(frame if side else frame.drop(columns="side"))
    rows = [row for frame in frames for row in frame.to_dict(orient="records")]
    if as_json:
        _print_json(rows)
        return
    table_rows = [{key: value for key, value in row.items() if key != "hub"} for row in rows]  # the name says it; --json keeps the id
    _render.table("Accessibility: population within each time door to door, and the gravity index (people; passenger network)", table_rows)


@app.command()
def isochrones(
    hub: Annotated[str, typer.Argument(help="The hub to draw from.")],
    hours: HoursOption = "2,4,6",
    scenario: ScenarioOption = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="GeoJSON (.geojson) or GeoPackage (.gpkg) to write.")] = None,
    map_out: Annotated[Path | None, typer.Option("--map", help="Also write an interactive HTML map of the bands.")] = None,
    profile: Annotated[str, typer.Option("--profile", "-p", help="passenger or freight.")] = "passenger",
    year: YearOption = None,
    modes: ModesOption = None,
    network: NetworkOption = None,
    params: ParamsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Polygons of what is reachable from HUB within each band: network times, then access_kmh (model.toml) from the reached hubs."""
    from corridor import _render
    from corridor import isochrones as iso
    from corridor.graph import graph_from_network
    from corridor.io import load_network

    base = load_network(network)
    model = _model(params)
    drawn, diff = base, None
    if scenario:
        from corridor.maps import scenario_diff

        applied = _apply(base, scenario, model)
        frame = iso.scenario_isochrones(base, applied, hub, hours=_hours(hours), profile=profile, modes=_split(modes), params=model)
        drawn, diff, year = applied.network, scenario_diff(applied, base), applied.year
    else:
        graph = graph_from_network(base, profile=profile, year=year, modes=_split(modes), params=model)
        frame = iso.isochrones(graph, hub, hours=_hours(hours), params=model)
    if out:
        typer.echo(f"wrote {iso.write_isochrones(frame, out)}", err=True)
    if map_out:
        from corridor.maps import map_content, write_map

        content = map_content(drawn, year=year, profile=profile, diff=diff)
        content.isochrones = frame
        typer.echo(f"wrote {write_map(content, map_out)}", err=True)
    rows = iso.isochrone_summary(frame)
    if as_json:
        _print_json(rows)
        return
    _render.table(f"Isochrones of {frame['name'].iloc[0]} ({profile}; access {frame['access_kmh'].iloc[0]:g} km/h from reached hubs)", rows)


def _hours(value: str) -> list[float]:
    """Comma-separated hours as numbers (checked by :func:`corridor.accessibility.check_hours`)."""
    from corridor.accessibility import check_hours

    try:
        return check_hours(float(part) for part in value.split(",") if part.strip())
    except ValueError:
        msg = f"--hours {value!r}: give positive hours separated by commas, e.g. 2,4,6"
        raise CorridorError(msg) from None


@app.command()
def candidates(
    mode: Annotated[str, typer.Option("--mode", help="Mode of the candidate links: hsr, rail, expressway, waterway, sea.")] = "hsr",
    max_km: Annotated[float, typer.Option("--max-km", min=1.0, help="Longest candidate, in built km (great-circle km x detour factor).")] = 400.0,
    top: Annotated[int, typer.Option("--top", min=1, help="Show this many candidates.")] = 20,
    from_file: Annotated[
        Path | None, typer.Option("--from-file", help="Read candidates from a TOML ([[candidates]]) or CSV file instead of generating them.")
    ] = None,
    scenario: Annotated[Path | None, typer.Option("--scenario", help="Evaluate on a scenario's network, year and parameters.")] = None,
    profile: Annotated[str | None, typer.Option("--profile", "-p", help="freight or passenger (default: passenger for hsr, else freight).")] = None,
    year: YearOption = None,
    demand: DemandOption = None,
    network: NetworkOption = None,
    params: ParamsOption = None,
    by: Annotated[str, typer.Option("--by", help="Routes and savings by time (hours) or cost (generalised cost).")] = "time",
    scheduler: SchedulerOption = None,
    as_json: JsonOption = False,
) -> None:
    """Rank candidate new links by demand-weighted time (or cost) saving, each evaluated exactly."""
    from corridor import _render
    from corridor.candidates import candidates_report, generate_candidates, rank_candidates, read_candidates
    from corridor.demand import demand_matrix
    from corridor.graph import graph_from_network
    from corridor.io import load_network
    from corridor.scenario import apply_scenario, load_scenario

    spec = load_scenario(scenario) if scenario else None
    loaded = load_network(network)
    model = _model(params)
    if spec is not None:
        loaded, model, scenario_year = apply_scenario(loaded, spec, params=model)
        year = year if year is not None else scenario_year
    profile = _profile_for(profile, [mode])
    graph = graph_from_network(loaded, profile=profile, year=year, params=model)
    found = read_candidates(from_file, graph, mode=mode) if from_file else generate_candidates(graph, mode=mode, max_km=max_km, network=loaded)
    flows = demand_matrix(graph, csv=demand)
    if scheduler:
        from corridor import sweeps

        with sweeps.connect(scheduler) as client, _progress_bar("candidate blocks (tasks)") as progress:
            ranked = sweeps.rank_candidates(client, graph, found, params=model, demand=flows, by=by, progress=progress)
    else:
        with _progress_bar("Evaluating candidates") as progress:
            ranked = rank_candidates(graph, found, params=model, demand=flows, by=by, progress=progress)
    report = candidates_report(
        ranked, top=top, total=len(found), mode=mode, max_km=None if from_file else max_km, profile=profile, by=by
    )
    if as_json:
        _print_json(report)
        return
    by_time = by == "time"
    saved, better = ("demand-weighted h saved", "pairs faster") if by_time else ("demand-weighted cost saved", "pairs cheaper")
    rows = [
        {"rank": c["rank"], "from": c["from_hub"], "to": c["to_hub"], "km": c["length_km"], "h": c["time_h"], "cost": c["cost"],
         saved: c["saving"], "per km": c["saving_per_km"], better: c["pairs_improved"]}
        for c in report["candidates"]
    ]
    criterion = "time saving" if by == "time" else "generalised-cost saving"
    title = f"Candidate {mode} links by demand-weighted {criterion} ({len(found)} evaluated, {profile}, {year or 'open now'})"
    _render.table(title, rows)


# -- commands of later concerns are added above this line --


def main() -> None:
    """Entry point of the console script: run the app, turn every error into one line.

    Errors the product raises and usage errors (an unknown option, a value
    out of range) alike print ``corridor: error: ...`` on one line, naming the
    option and the value, with exit status 2; control and bidi characters in
    echoed names are escaped.
    """
    # corridor's work is sparse graph search and elementwise numpy, never large dense algebra: an OpenBLAS
    # thread pool only spins on the other cores (0.35 s of CPU on `corridor route`). Set before numpy loads;
    # a value the user exported wins.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    usage_error = cast("type[UsageError]", typer.BadParameter.__base__)  # click's UsageError (typer vendors click)
    try:
        code = app(standalone_mode=False)
    except usage_error as exc:
        if exc.format_message().startswith("Usage:"):  # no command given: the help is the answer
            typer.echo(exc.format_message())
            sys.exit(0)
        command = f"corridor {exc.ctx.info_name}" if exc.ctx is not None and exc.ctx.parent is not None else "corridor"
        typer.echo(f"corridor: error: {printable(exc.format_message())} (see `{command} --help`)", err=True)
        sys.exit(2)
    except CorridorError as exc:
        typer.echo(f"corridor: error: {printable(str(exc))}", err=True)
        sys.exit(2)
    except (KeyboardInterrupt, typer.Abort):
        typer.echo("corridor: interrupted", err=True)
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


def printable(text: str) -> str:
    """``text`` with control, format (bidi override) and line-break characters escaped, on one line."""
    import unicodedata

    return "".join(
        char
        if char == " " or unicodedata.category(char)[0] not in "CZ" or unicodedata.category(char) == "Zs"
        else char.encode("unicode_escape").decode("ascii")
        for char in text
    )

"""Sweeps on a Dask distributed cluster: candidates, removals and OD origins as tasks.

A sweep evaluates many independent items on one graph: candidate links
(:func:`corridor.candidates.rank_candidates`), removed hubs or links
(:func:`corridor.centrality.criticality`), origins of a skim
(:func:`corridor.routing.skim_matrix`). Here the items are cut into blocks, each
block is one task on a Dask distributed cluster (the graph and demand are sent
to every worker once), and the blocks' rows are joined and ranked as the
single-process functions rank them. Every item is computed by the same code
on the same graph, so the results are identical to the single-process run.

Connect with :func:`connect`: ``"local"`` starts a ``LocalCluster`` on this
machine (one single-threaded worker process per core), any other address is
a running scheduler (``tcp://host:8786``) whose workers have corridor
installed. Progress is reported as tasks complete, through ``progress(done,
total)``. Only ``corridor --scheduler`` and this module import Dask.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from typing import Any

import networkx as nx
import pandas as pd

from corridor._errors import CorridorError

try:
    from dask.distributed import Client, LocalCluster, as_completed
except ImportError as exc:  # the scale extra is not installed
    msg = "--scheduler needs Dask distributed: pip install 'corridor[scale]'"
    raise CorridorError(msg) from exc

#: Tasks per worker a sweep is cut into when no block size is given: enough
#: to balance uneven items and show progress, few enough that each task's
#: set-up (a skim, the fastest-path trees) stays small next to its work.
TASKS_PER_WORKER = 4

#: Seconds to wait for a remote scheduler before giving up.
CONNECT_TIMEOUT_S = 10

Progress = Callable[[int, int], None]


@contextlib.contextmanager
def connect(address: str, *, workers: int | None = None) -> Iterator[Client]:
    """A client of the scheduler at ``address``; ``"local"`` starts a ``LocalCluster`` here.

    Parameters
    ----------
    address
        ``"local"``, or a scheduler address such as ``tcp://10.0.0.5:8786``.
    workers
        Worker processes of a local cluster (default: one per core).

    Yields
    ------
    dask.distributed.Client
        The client, closed (with the local cluster) on leaving the block.

    Raises
    ------
    CorridorError
        When no scheduler answers at ``address`` within :data:`CONNECT_TIMEOUT_S` seconds.
    """
    if address == "local":
        count = workers or os.cpu_count() or 1
        with LocalCluster(n_workers=count, threads_per_worker=1, dashboard_address=None) as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError, ValueError) as exc:
        msg = f"--scheduler {address!r}: no Dask scheduler answered ({type(exc).__name__}); give tcp://HOST:PORT of a running scheduler, or local"
        raise CorridorError(msg) from None
    with client:
        yield client


def blocks(items: Sequence[Any], client: Client, *, size: int | None = None) -> list[list[Any]]:
    """``items`` cut into consecutive blocks of ``size`` (default: :data:`TASKS_PER_WORKER` blocks per worker).

    Parameters
    ----------
    items
        The items of a sweep, in order.
    client
        Client of the cluster; its worker count sets the default size.
    size
        Items per block (default: enough for :data:`TASKS_PER_WORKER`
        blocks per worker, at least 1).

    Returns
    -------
    list of list
        The blocks in order (the last may be shorter); empty for no items.
    """
    if size is None:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        size = max(1, math.ceil(len(items) / (workers * TASKS_PER_WORKER)))
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


def rank_candidates(
    client: Client,
    graph: nx.MultiDiGraph,
    candidates: Sequence[Any],
    *,
    params: Any = None,
    demand: pd.DataFrame | None = None,
    by: str = "time",
    block: int | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """:func:`corridor.candidates.rank_candidates` with the candidates split over the cluster's workers.

    Parameters
    ----------
    client
        Client of the cluster (see :func:`connect`).
    graph
        The routing graph, sent to every worker once.
    candidates
        The candidate links (see :func:`corridor.candidates.generate_candidates`).
    params
        The model parameters the graph was built with (default:
        ``corridor/model.toml``).
    demand
        Flows between city hubs (default: :func:`corridor.demand.demand_matrix`
        of the graph).
    by
        ``"time"`` (savings in hours) or ``"cost"``.
    block
        Candidates per task (default: :data:`TASKS_PER_WORKER` tasks per worker).
    progress
        Called as ``progress(done, total)`` with the tasks completed, from
        ``(0, total)`` to ``(total, total)``.

    Returns
    -------
    pandas.DataFrame
        The table of :func:`corridor.candidates.rank_candidates`, one row
        per candidate, best first.

    Raises
    ------
    CorridorError
        For ``by`` other than ``"time"`` or ``"cost"`` (checked before any
        task is sent), or a candidate whose mode does not carry the graph's
        profile (raised on a worker, re-raised here).
    """
    from corridor.candidates import rank_candidates as rank_block
    from corridor.candidates import rank_savings
    from corridor.demand import demand_matrix

    demand = demand_matrix(graph) if demand is None else demand
    rank_block(graph, [], params=params, demand=demand, by=by)  # checks `by` here, not on a worker
    shared = _scatter(client, graph=graph, demand=demand, params=params)
    parts = _run(client, _candidate_block, blocks(candidates, client, size=block), shared, progress, by=by)
    return rank_savings(pd.concat(parts, ignore_index=True) if parts else pd.DataFrame())


def criticality(
    client: Client,
    graph: nx.MultiDiGraph,
    demand: pd.DataFrame,
    *,
    links: bool = False,
    top: int | None = None,
    by_station: bool = False,
    only: Collection[str] | None = None,
    block: int | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """:func:`corridor.centrality.criticality` with the removed hubs or links split over the cluster's workers.

    Parameters
    ----------
    client
        Client of the cluster (see :func:`connect`).
    graph
        A corridor graph, sent to every worker once.
    demand
        OD flows (see :func:`corridor.demand.demand_matrix`).
    links
        Remove links (both directions) instead of hubs.
    top
        Keep this many rows (default: all).
    by_station
        Remove single hubs instead of whole cities with their stations.
    only
        Remove only these hubs (or links), by id.
    block
        Removals per task (default: :data:`TASKS_PER_WORKER` tasks per worker).
    progress
        Called as ``progress(done, total)`` with the tasks completed, from
        ``(0, total)`` to ``(total, total)``.

    Returns
    -------
    pandas.DataFrame
        The table of :func:`corridor.centrality.criticality`, ranked by
        ``loss_hours`` (demand-weighted hours), then pairs cut.
    """
    from corridor.centrality import criticality as single_process
    from corridor.centrality import rank_removals, removal_ids

    items = removal_ids(graph, links=links, by_station=by_station)
    if only is not None:
        wanted = set(only)
        items = [item for item in items if item in wanted]
    if not items:  # nothing to remove: the single-process table, empty, with its columns
        return single_process(graph, demand, links=links, by_station=by_station, only=())
    shared = _scatter(client, graph=graph, demand=demand)
    parts = _run(client, _removal_block, blocks(items, client, size=block), shared, progress, links=links, by_station=by_station)
    return rank_removals(pd.concat(parts, ignore_index=True), top=top)


def skim_matrix(
    client: Client,
    graph: nx.MultiDiGraph,
    hubs: Iterable[str] | None = None,
    *,
    by: str = "time",
    block: int | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """:func:`corridor.routing.skim_matrix` with blocks of origins split over the cluster's workers.

    Parameters
    ----------
    client
        Client of the cluster (see :func:`connect`).
    graph
        A corridor graph, sent to every worker once.
    hubs
        Hub names (default: every hub of the graph).
    by
        ``"time"`` (hours), ``"length"`` (km), ``"cost"`` or ``"co2"``
        (kg CO2e per TEU or passenger).
    block
        Origins per task (default: :data:`TASKS_PER_WORKER` tasks per worker).
    progress
        Called as ``progress(done, total)`` with the tasks completed, from
        ``(0, total)`` to ``(total, total)``.

    Returns
    -------
    pandas.DataFrame
        Square matrix indexed by hub id (origins as rows); ``inf`` where no
        route exists, ``0`` on the diagonal.

    Raises
    ------
    CorridorError
        For an unknown ``by`` (checked before any task is sent).
    UnknownHubError
        For a hub name that matches no hub of the graph.
    """
    from corridor.routing import skim_matrix as skim

    ids = list(skim(graph, hubs, by=by, origins=[]).columns)  # resolves names and checks `by` here
    shared = _scatter(client, graph=graph)
    parts = _run(client, _origin_block, blocks(ids, client, size=block), shared, progress, hubs=ids, by=by)
    return pd.concat(parts).loc[ids] if parts else skim(graph, hubs, by=by)


def _scatter(client: Client, **values: Any) -> dict[str, Any]:
    """Send each value to every worker once; futures to pass to the tasks."""
    return {name: client.scatter(value, broadcast=True, hash=False) for name, value in values.items()}


def _run(client: Client, task: Callable[..., Any], parts: list[list[Any]], shared: dict[str, Any], progress: Progress | None, **options: Any) -> list[Any]:
    """Run ``task`` on every block, report each completed task, return the results in block order."""
    futures = [client.submit(task, part, **shared, **options, pure=False) for part in parts]
    report = progress or (lambda _done, _total: None)
    report(0, len(futures))
    for done, _future in enumerate(as_completed(futures), start=1):
        report(done, len(futures))
    return client.gather(futures)


def _candidate_block(part: list[Any], *, graph: nx.MultiDiGraph, demand: pd.DataFrame, params: Any, by: str) -> pd.DataFrame:
    from corridor.candidates import rank_candidates as rank_block

    return rank_block(graph, part, params=params, demand=demand, by=by)


def _removal_block(part: list[str], *, graph: nx.MultiDiGraph, demand: pd.DataFrame, links: bool, by_station: bool) -> pd.DataFrame:
    from corridor.centrality import criticality as remove_each

    return remove_each(graph, demand, links=links, by_station=by_station, only=part)


def _origin_block(part: list[str], *, graph: nx.MultiDiGraph, hubs: list[str], by: str) -> pd.DataFrame:
    from corridor.routing import skim_matrix as skim

    return skim(graph, hubs, by=by, origins=part)

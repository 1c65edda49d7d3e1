"""The package's import graph reads top-down: no cycle, no module importing a higher layer.

Every ``import`` of a ``corridor`` module counts, at the top of a file or
inside a function (a lazy import is still a dependency). See the layer
diagram in ``docs/DEVELOPING.md``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parents[1] / "corridor"

#: Layers, lowest first: a module may import its own layer and those below it.
LAYERS: tuple[tuple[str, frozenset[str]], ...] = (
    ("data", frozenset({
        "settings", "_errors", "schema", "_io", "_longitudes", "_validate", "params", "network", "io", "osm", "hubs",
    })),
    ("graph", frozenset({"graph", "gpkg_graph"})),
    ("analyses", frozenset({
        "routing", "demand", "centrality", "scenario", "options", "shares", "emissions", "accessibility", "isochrones",
        "whatif", "candidates", "calibration", "sourcing", "overview", "mapdata", "sweeps",
    })),
    ("presentation", frozenset({"basemap", "maps", "figures", "_render"})),
    ("cli", frozenset({"cli", "__main__", "__init__"})),
)  # fmt: skip

#: Edges that break the layering, each with why and where it is being fixed: none since issue 15
#: (the OSM import builds a Network directly). The test fails when a listed edge goes away, so the
#: list stays honest.
KNOWN: dict[tuple[str, str], str] = {}

LAYER_OF = {module: rank for rank, (_, modules) in enumerate(LAYERS) for module in modules}


def modules() -> list[str]:
    return sorted(path.stem for path in PACKAGE.glob("*.py"))


def imported(path: Path, known: set[str]) -> set[str]:
    """The ``corridor`` modules ``path`` imports anywhere in the file (``__init__`` for names of the package itself)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[1] for alias in node.names if alias.name.startswith("corridor.")}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            parts = node.module.split(".")
            if parts[0] != "corridor":
                continue
            if len(parts) > 1:
                found.add(parts[1])
            else:
                found |= {alias.name if alias.name in known else "__init__" for alias in node.names}
    found.discard(path.stem)
    return found


def import_graph() -> nx.DiGraph:
    names = set(modules())
    graph = nx.DiGraph()
    graph.add_nodes_from(names)
    graph.add_edges_from((path.stem, target) for path in PACKAGE.glob("*.py") for target in imported(path, names))
    return graph


def test_every_module_has_a_layer():
    missing = sorted(set(modules()) - set(LAYER_OF))
    assert missing == [], f"add {', '.join(missing)} to LAYERS (and to the diagram in docs/DEVELOPING.md)"


def test_imports_inside_functions_count(tmp_path):
    source = tmp_path / "lazy.py"
    lines = ["def f():", "    from corridor.maps import write_map", "    import corridor.cli", "    from corridor import schema, CorridorError"]
    source.write_text("\n".join(lines) + "\n")
    assert imported(source, {"maps", "cli", "schema"}) == {"maps", "cli", "schema", "__init__"}


def test_no_upward_import():
    upward = sorted((a, b) for a, b in import_graph().edges if LAYER_OF[b] > LAYER_OF[a] and (a, b) not in KNOWN)
    assert upward == [], "a module imports a higher layer: " + ", ".join(f"{a} -> {b}" for a, b in upward)


def test_no_import_cycle():
    graph = import_graph()
    graph.remove_edges_from(KNOWN)
    cycles = list(nx.simple_cycles(graph))
    assert cycles == [], "import cycles: " + "; ".join(" -> ".join([*c, c[0]]) for c in cycles)


def test_known_exceptions_still_exist():
    """A fixed exception is taken off :data:`KNOWN`, so the list never hides a new one."""
    gone = sorted(edge for edge in KNOWN if edge not in import_graph().edges)
    assert gone == [], "gone, remove from KNOWN: " + ", ".join(f"{a} -> {b}" for a, b in gone)

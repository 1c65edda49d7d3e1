"""Public docstrings follow numpydoc: every parameter, return value, corridor error and cited algorithm documented.

Each public module of ``corridor`` (not the ``_private`` ones, not ``corridor.cli``,
whose docstrings are typer's help text) is imported, and every public function
and class defined in it, and every public method of those classes, goes through
``numpydoc.validate.validate``. The checks kept are:

- GL08: the object has no docstring;
- PR01 / PR02: a parameter is not documented / a documented parameter does not exist
  (a dataclass may document its fields under Attributes instead of Parameters);
- RT01: no Returns section although the function has a ``return value`` statement.

Two checks of corridor's own:

- Raises (reported as RS00): a function whose body has a ``raise`` of a corridor error
  (``raise NoRouteError(msg)``, ``raise ScenarioError``; any class of
  ``corridor._errors``) has a Raises section. Only the ``raise`` statements
  written in the function's own source count (nested functions included),
  not errors raised by the functions it calls.
- References (RF00): the functions implementing a named algorithm cite it (``REFERENCES``).

A property has a docstring of its own or an entry under its class's Attributes.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import textwrap
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

numpydoc_validate = pytest.importorskip("numpydoc.validate", reason="numpydoc is not installed (pip install -e '.[test]')")
from numpydoc.docscrape import NumpyDocString  # noqa: E402

from corridor import _errors  # noqa: E402

PACKAGE = Path(__file__).resolve().parents[1] / "corridor"

#: numpydoc's checks that must pass (see the module docstring).
CHECKS = frozenset({"GL08", "PR01", "PR02", "RT01"})

#: Modules not checked: the command line, whose docstrings are typer's help text.
NOT_CHECKED = frozenset({"corridor.cli"})

#: Modules (and References checks) skipped until their docstrings are done; empty since issue 15.
#: ``test_pending_is_still_needed`` fails on an entry that names nothing checked, and warns (not
#: fails) for each entry that passes: take it off then.
PENDING: frozenset[str] = frozenset()

#: Functions implementing a named algorithm, which their References section cites.
REFERENCES = {
    "corridor.centrality.betweenness": "Brandes",
    "corridor.routing.candidate_paths": "Yen",
    "corridor.demand.demand_matrix": "gravity",
    "corridor.shares.logit_shares": "McFadden",
    "corridor.shares.fit_shares": "McFadden",
}

#: The corridor errors whose ``raise`` asks for a Raises section.
CORRIDOR_ERRORS = frozenset(
    name for name, value in vars(_errors).items() if isinstance(value, type) and issubclass(value, _errors.CorridorError)
)


def public_modules() -> list[str]:
    """Names of the modules checked: ``corridor`` and every module of the package whose name has no leading underscore."""
    names = ["corridor", *(f"corridor.{path.stem}" for path in sorted(PACKAGE.glob("*.py")) if not path.stem.startswith("_"))]
    return [name for name in names if name not in NOT_CHECKED]


def _is_public(name: str) -> bool:
    return not name.startswith("_")


def documented_objects(module: ModuleType) -> Iterator[tuple[str, object]]:
    """``(qualified name, object)`` of the public functions and classes defined in ``module``, and their public methods."""
    for name, obj in sorted(vars(module).items()):
        if not _is_public(name) or getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(obj):
            yield f"{module.__name__}.{name}", obj
        elif inspect.isclass(obj):
            yield f"{module.__name__}.{name}", obj
            for attr, member in sorted(vars(obj).items()):
                if not _is_public(attr):
                    continue
                if isinstance(member, staticmethod | classmethod):
                    member = member.__func__
                if inspect.isfunction(member):
                    yield f"{module.__name__}.{name}.{attr}", member


def _doc(obj: object) -> NumpyDocString:
    """The object's own docstring parsed (not one inherited, as ``inspect.getdoc`` would give)."""
    return NumpyDocString(inspect.cleandoc(getattr(obj, "__doc__", None) or ""))


def _section_names(doc: NumpyDocString, section: str) -> set[str]:
    return {name.strip() for item in doc[section] for name in item.name.split(",")}


def numpydoc_errors(qualname: str, obj: object) -> list[str]:
    """numpydoc's errors among ``CHECKS``, as ``qualname: CODE message``.

    A dataclass's generated ``__doc__`` (its signature) counts as no docstring,
    and its fields may be documented under Attributes instead of Parameters.
    """
    found = numpydoc_validate.validate(qualname)["errors"]
    if inspect.isclass(obj) and dataclasses.is_dataclass(obj):
        if (obj.__doc__ or "").startswith(f"{obj.__name__}("):
            found.append(("GL08", "The object does not have a docstring (only the one dataclass generates)"))
        doc = _doc(obj)
        documented = _section_names(doc, "Parameters") | _section_names(doc, "Attributes")
        missing = [f.name for f in dataclasses.fields(obj) if f.init and f.name not in documented]
        found = [(code, message) for code, message in found if code != "PR01"]
        if missing:
            found.append(("PR01", f"Parameters {missing} not documented (under Parameters or Attributes)"))
    return [f"{qualname}: {code} {message}" for code, message in found if code in CHECKS]


def _function_node(func: Callable) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    try:
        source = textwrap.dedent(inspect.getsource(func))
    except (OSError, TypeError):
        return None
    node = ast.parse(source).body[0]
    return node if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) else None


def raised_corridor_errors(func: Callable) -> set[str]:
    """Names of the corridor errors a ``raise`` statement in ``func``'s source raises (``raise E(...)``, ``raise E``, ``raise _errors.E(...)``)."""
    node = _function_node(func)
    if node is None:
        return set()
    found = set()
    for raise_ in (n for n in ast.walk(node) if isinstance(n, ast.Raise) and n.exc is not None):
        exc = raise_.exc.func if isinstance(raise_.exc, ast.Call) else raise_.exc
        name = exc.id if isinstance(exc, ast.Name) else exc.attr if isinstance(exc, ast.Attribute) else None
        if name in CORRIDOR_ERRORS:
            found.add(name)
    return found


def raises_errors(qualname: str, obj: object) -> list[str]:
    """A Raises section is missing where the function raises a corridor error."""
    if not inspect.isfunction(obj):
        return []
    raised = raised_corridor_errors(obj)
    if raised and not _doc(obj)["Raises"]:
        return [f"{qualname}: RS00 No Raises section, though it raises {', '.join(sorted(raised))}"]
    return []


def property_errors(qualname: str, cls: object) -> list[str]:
    """A public property with no docstring of its own and no entry under the class's Attributes."""
    if not inspect.isclass(cls):
        return []
    attributes = _section_names(_doc(cls), "Attributes")
    return [
        f"{qualname}.{name}: GL08 The property has no docstring and is not under the class's Attributes"
        for name, member in sorted(vars(cls).items())
        if _is_public(name) and isinstance(member, property) and not member.__doc__ and name not in attributes
    ]


def module_errors(module_name: str) -> list[str]:
    module = importlib.import_module(module_name)
    errors = []
    for qualname, obj in documented_objects(module):
        errors += numpydoc_errors(qualname, obj) + raises_errors(qualname, obj) + property_errors(qualname, obj)
    return errors


def references_errors(qualname: str, cited: str) -> list[str]:
    module_name, name = qualname.rsplit(".", 1)
    func = getattr(importlib.import_module(module_name), name)
    references = "\n".join(_doc(func)["References"])
    if cited.lower() not in references.lower():
        return [f"{qualname}: RF00 No References section citing {cited}"]
    return []


@pytest.mark.parametrize("module_name", [m for m in public_modules() if m not in PENDING])
def test_public_docstrings(module_name: str) -> None:
    errors = module_errors(module_name)
    assert not errors, f"{len(errors)} docstring problems in {module_name}:\n" + "\n".join(errors)


@pytest.mark.parametrize("qualname", [q for q in REFERENCES if q not in PENDING])
def test_algorithms_cite_references(qualname: str) -> None:
    errors = references_errors(qualname, REFERENCES[qualname])
    assert not errors, "\n".join(errors)


def test_pending_is_still_needed() -> None:
    """Every PENDING entry names a checked module or a References check; one that passes now is reported for clearing."""
    unknown = PENDING - set(public_modules()) - set(REFERENCES)
    assert not unknown, f"PENDING names no checked module or References check: {sorted(unknown)}"
    passing = sorted(
        name for name in PENDING
        if not (references_errors(name, REFERENCES[name]) if name in REFERENCES else module_errors(name))
    )  # fmt: skip
    if passing:
        warnings.warn(f"these pass now: take them off PENDING in tests/test_docstrings.py: {passing}", stacklevel=1)


def _undocumented_lookup(table: dict, hub: str) -> str:
    """Look a hub up (an example missing every section the checks ask for)."""
    if hub not in table:
        raise _errors.UnknownHubError(hub)
    return table[hub]


def test_checks_find_missing_sections() -> None:
    """The checks themselves: undocumented parameters, no Returns, no Raises where a corridor error is raised."""
    qualname = f"{__name__}._undocumented_lookup"
    errors = numpydoc_errors(qualname, _undocumented_lookup) + raises_errors(qualname, _undocumented_lookup)
    assert [error.split(" ")[1] for error in errors] == ["PR01", "RT01", "RS00"], errors
    assert raised_corridor_errors(_undocumented_lookup) == {"UnknownHubError"}

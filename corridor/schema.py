"""The network schema: every hub and link field declared once, and the in-service rule.

Validation (:mod:`corridor._validate`), scenario files
(:mod:`corridor.scenario`), the loaders (:mod:`corridor.network`,
:mod:`corridor.io`) and the build script of the built-in data all read the
fields below; :func:`in_service` is the one rule for whether a hub or link
exists in a given year, and :func:`value_in` the one rule for which entry of a
dated history (speeds, section times, sailings, waits) applies.

Dates are a whole year (``2018``) or a year and month (``"2023-08"``, also
``"2023-08-31"``). A network "of year Y" is the network at the end of Y: a
link opened in any month of Y is in service, and the last change of speed
dated in Y or before applies.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

from corridor.settings import HUB_KINDS, MODES, STATUSES

TEXT, NUMBER, WHOLE, BOOL, LIST, DATE, HISTORY = "text", "number", "whole number", "true or false", "list", "date", "dated list"


@dataclass(frozen=True)
class Field:
    """One field of a hub or link record.

    Attributes
    ----------
    name
        The property name in GeoJSON, GeoPackage and scenario files.
    kind
        ``text``, ``number``, ``whole number``, ``true or false``, ``list``,
        ``date`` (year or ``"YYYY-MM"``) or ``dated list`` (see :data:`HISTORIES`).
    required
        Whether a network file must give it (scenario entries may differ).
    default
        The value of a missing optional field.
    minimum, maximum
        Smallest and largest physically plausible numbers; ``positive`` excludes zero.
    positive
        Numbers must be greater than zero.
    choices
        The allowed values of a text field.
    doc
        What the field means, for ``routes/README.md`` and ``geodata/SOURCES.md``.
    """

    name: str
    kind: str
    required: bool = False
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    positive: bool = False
    choices: tuple[str, ...] | None = None
    doc: str = ""


#: Dated lists of a link: field name -> the number each entry carries.
HISTORIES: dict[str, str] = {
    "speed_history": "speed_kmh",
    "section_times": "minutes",
    "freight_section_times": "minutes",
    "departures": "per_week",
    "waits": "hours",
}

#: Largest plausible value of each dated number (a maglev runs at 600 km/h; a week has 168 hours).
HISTORY_MAXIMA: dict[str, float] = {"speed_kmh": 1000.0, "minutes": 100_000.0, "per_week": 1_000.0, "hours": 10_000.0}

HUB_FIELDS: tuple[Field, ...] = (
    Field("id", TEXT, required=True, doc="unique id"),
    Field("name", TEXT, required=True, doc="English name"),
    Field("kind", TEXT, required=True, choices=HUB_KINDS, doc="what the hub is"),
    Field("name_zh", TEXT, default="", doc="Chinese name"),
    Field("pinyin", TEXT, default="", doc="pinyin name"),
    Field("aliases", LIST, doc="other names users may type"),
    Field("city", TEXT, doc="hub id of the city the hub belongs to (default: itself)"),
    Field("country", TEXT, default="", doc="ISO 3166 alpha-2 country code"),
    Field("province", TEXT, default="", doc="province or region"),
    Field("population", NUMBER, minimum=0, maximum=50_000_000, doc="city population (cities only), for demand and accessibility"),
    Field("opened", DATE, doc="when the hub opened (none: long open)"),
    Field("freight_terminal", BOOL, default=True, doc="containers are loaded or unloaded here"),
    Field("stop", BOOL, default=True, doc="the fastest trains call here (false: a through station or junction)"),
    Field("through_running", BOOL, default=False, doc="published trains run on here between high-speed and conventional lines"),
    Field(
        "through_lines",
        LIST,
        doc="where given, the only pairs of lines ('line A | line B') trains run on between here (an empty list: none); "
        "other line changes are changes of train",
    ),
    Field("source", TEXT, default="", doc="source of the hub's facts"),
)

LINK_FIELDS: tuple[Field, ...] = (
    Field("id", TEXT, required=True, doc="unique id"),
    Field("mode", TEXT, required=True, choices=MODES, doc="transport mode"),
    Field("from_hub", TEXT, required=True, doc="hub id at one end"),
    Field("to_hub", TEXT, required=True, doc="hub id at the other end"),
    Field("length_km", NUMBER, required=True, positive=True, maximum=20_000, doc="published section length where one exists, else measured"),
    Field("speed_kmh", NUMBER, required=True, positive=True, maximum=1000, doc="design (maximum) speed"),
    Field("operating_speed_kmh", NUMBER, positive=True, maximum=1000, doc="operating speed today where it differs from the design speed"),
    Field("speed_history", HISTORY, doc="operating speed from a date: [{from, speed_kmh, source}]"),
    Field("section_times", HISTORY, doc="fastest scheduled time end to end, from a date: [{from, minutes, source}]"),
    Field("freight_section_times", HISTORY, doc="scheduled time of the freight service end to end, clearance included, from a date: [{from, minutes, source}]"),
    Field("departures", HISTORY, doc="scheduled departures per week (sailings, block trains): [{from, per_week, source}]"),
    Field("waits", HISTORY, doc="waiting time of freight on the link (locks, border queues): [{from, hours, source}]"),
    Field("fastest_stops", WHOLE, minimum=0, maximum=500, doc="intermediate stops the fastest service makes on the link"),
    Field("status", TEXT, default="open", choices=STATUSES, doc="construction status"),
    Field("opened", DATE, doc="opening date of an open link"),
    Field("expected", DATE, doc="expected opening of a link being built or planned"),
    Field("freight", BOOL, required=True, doc="carries freight"),
    Field("passenger", BOOL, required=True, doc="carries passengers"),
    Field("stops", WHOLE, default=0, minimum=0, maximum=500, doc="intermediate stations (informative)"),
    Field("oneway", BOOL, doc="usable from from_hub to to_hub only"),
    Field("via", LIST, doc="places the line runs through"),
    Field("name", TEXT, default="", doc="name of the section"),
    Field("name_zh", TEXT, default="", doc="Chinese name"),
    Field("line", TEXT, default="", doc="the line the section belongs to"),
    Field("length_source", TEXT, doc="source of the length figure itself"),
    Field("source", TEXT, default="", doc="sources of the link's other facts"),
)

HUB_FIELD = {f.name: f for f in HUB_FIELDS}
LINK_FIELD = {f.name: f for f in LINK_FIELDS}

#: Defaults of optional fields, filled in when a network is loaded.
HUB_DEFAULTS: dict[str, Any] = {f.name: f.default for f in HUB_FIELDS if not f.required}
LINK_DEFAULTS: dict[str, Any] = {f.name: f.default for f in LINK_FIELDS if not f.required}

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def is_missing(value: Any) -> bool:
    """Whether a field holds no value: ``None`` or a float NaN (how pandas fills optional columns).

    Parameters
    ----------
    value
        Any field value.

    Returns
    -------
    bool
    """
    return value is None or (isinstance(value, float) and math.isnan(value))


def parse_date(value: Any) -> float | None:
    """A date as a fractional year at the start of its month (``"2023-08"`` -> 2023.583).

    Parameters
    ----------
    value
        A whole year, a ``"YYYY"``, ``"YYYY-MM"`` or ``"YYYY-MM-DD"`` text, or ``None``.

    Returns
    -------
    float or None
        ``year + (month - 1) / 12`` (a bare year counts from its start: ``2018`` -> 2018.0);
        ``None`` for ``None`` or NaN.

    Raises
    ------
    ValueError
        If the value is not a date in one of those forms, or lies outside 1800-2100.
    """
    if is_missing(value):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float) and float(value).is_integer():
        year, month = int(value), 0
    elif isinstance(value, str) and (match := _DATE.match(value.strip())):
        year, month = int(match.group(1)), int(match.group(2) or 0)
        if match.group(2) and not 1 <= month <= 12:
            raise ValueError(value)
    else:
        raise ValueError(value)
    if not 1800 <= year <= 2100:
        raise ValueError(value)
    return year + max(month - 1, 0) / 12.0


def date_year(value: Any) -> int | None:
    """The year of a date (see :func:`parse_date`), or ``None``.

    Parameters
    ----------
    value
        A date in a form :func:`parse_date` takes, or ``None``.

    Returns
    -------
    int or None
        The whole year; ``None`` for ``None`` or NaN.
    """
    parsed = parse_date(value)
    return None if parsed is None else int(parsed)


def in_service(record: Mapping[str, Any], year: int | None) -> bool:
    """Whether a link carries traffic in the network of ``year``.

    Parameters
    ----------
    record
        A link with ``status`` and optional ``opened`` and ``expected`` dates.
    year
        The network's year (its end), or ``None`` for the network of today:
        the links whose status is ``open``.

    Returns
    -------
    bool
        Open links opened in or before ``year``; links under construction or
        planned whose expected date falls in or before ``year``.
    """
    status = record.get("status", "open")
    if year is None:
        return status == "open"
    if status == "open":
        opened = date_year(record.get("opened"))
        return opened is None or opened <= year
    expected = date_year(record.get("expected"))
    return expected is not None and expected <= year


def hub_open(record: Mapping[str, Any], year: int | None) -> bool:
    """Whether a hub exists in the network of ``year`` (``None``: today, always).

    Parameters
    ----------
    record
        A hub with an optional ``opened`` date.
    year
        The network's year, or ``None`` for today.

    Returns
    -------
    bool
        True unless the hub opens after ``year``.
    """
    opened = date_year(record.get("opened"))
    return year is None or opened is None or opened <= year


def value_in(history: Sequence[Mapping[str, Any]] | None, key: str, year: int | None) -> float | None:
    """The value of a dated list in force at the end of ``year``.

    Parameters
    ----------
    history
        Entries ``{"from": date, key: number, ...}`` (any order), or ``None``.
    key
        The number to read (``speed_kmh``, ``minutes``, ``per_week``, ``hours``).
    year
        The network's year, or ``None`` for the latest entry.

    Returns
    -------
    float or None
        The number of the latest entry dated in or before ``year``; ``None``
        when there is none.
    """
    if not isinstance(history, Sequence) or isinstance(history, str) or not history:
        return None
    dated = sorted(history, key=lambda entry: parse_date(entry["from"]) or 0.0)
    chosen = [entry for entry in dated if year is None or int(parse_date(entry["from"]) or 0.0) <= year]
    return float(chosen[-1][key]) if chosen else None


def check_value(where: str, value: Any, field: Field, fail: Callable[[str], Exception]) -> None:
    """Check one field's value against its declaration.

    Parameters
    ----------
    where
        The start of the message: file, record and field.
    value
        The value found (``None`` for a missing optional field passes).
    field
        The declaration.
    fail
        Builds the exception to raise from the message (the caller's error type).

    Raises
    ------
    Exception
        ``fail(message)``: a one-line message saying what would be valid.
    """
    if value is None:
        return
    problem = _problem(value, field)
    if problem:
        raise fail(f"{where}: {problem}")


#: Types of values a column of each kind may hold for :func:`column_valid` to check it as a whole.
_COLUMN_TYPES: dict[str, frozenset[type]] = {
    TEXT: frozenset({str}),
    NUMBER: frozenset({int, float}),
    WHOLE: frozenset({int}),
    BOOL: frozenset({bool}),
    LIST: frozenset({list}),
    DATE: frozenset({int, float, str}),
}


def column_valid(values: Sequence[Any], field: Field) -> bool:
    """Whether every value of one field, over all records, passes :func:`check_value` (and is given where required).

    Checks the column at once (its types, choices, smallest and largest
    number, distinct dates), as the records of a column-wise reader come. It
    answers ``True`` only where checking the values one by one would pass;
    ``False`` where one fails, or where a value is of a type it does not
    check whole (a subclass, a numpy number): check the records one by one
    then, for the message.

    Parameters
    ----------
    values
        The field's value in each record (``None`` where missing).
    field
        The declaration.

    Returns
    -------
    bool
        ``True`` when no value has a problem.
    """
    present = [value for value in values if value is not None]
    if field.required and len(present) < len(values):
        return False
    if not present:
        return True
    if field.kind == HISTORY:
        return all(_problem(value, field) is None for value in present)
    if not {type(value) for value in present} <= _COLUMN_TYPES[field.kind]:
        return False
    if field.kind in (NUMBER, WHOLE):
        return _numbers_in_range(present, field)
    if field.kind == DATE:
        return all(_problem(value, field) is None for value in set(present))
    return field.kind != TEXT or not field.choices or set(present) <= set(field.choices)


def _numbers_in_range(numbers: list[int | float], field: Field) -> bool:
    """Whether finite ``int`` and ``float`` values all lie in the field's range."""
    if not all(map(math.isfinite, numbers)):
        return False
    low, high = min(numbers), max(numbers)
    if field.positive and low <= 0:
        return False
    return (field.minimum is None or low >= field.minimum) and (field.maximum is None or high <= field.maximum)


def _problem(value: Any, field: Field) -> str | None:
    kind = field.kind
    if kind == TEXT:
        if not isinstance(value, str):
            return f"expected text, got {value!r}"
        if field.choices and value not in field.choices:
            return f"unknown {field.name} {value!r}; use one of {', '.join(field.choices)}"
    elif kind in (NUMBER, WHOLE):
        whole = kind == WHOLE
        if not _is_number(value) or (whole and not isinstance(value, int)):
            return f"{value!r} is not {'a whole number' if whole else 'a number'}"
        if field.positive and value <= 0:
            return f"{value!r} is not a positive number; give a number greater than 0"
        if field.minimum is not None and value < field.minimum:
            return f"{value!r} is below {field.minimum:g}"
        if field.maximum is not None and value > field.maximum:
            return f"{value!r} is above the plausible {field.maximum:g}; check the unit"
    elif kind == BOOL:
        if not isinstance(value, bool):
            return f"must be true or false, got {value!r}"
    elif kind == LIST:
        if not isinstance(value, list):
            return f"expected a list, got {value!r}"
    elif kind == DATE:
        try:
            parse_date(value)
        except ValueError:
            return f"{value!r} is not a date; give a year such as 2025 or a month such as \"2025-06\", or null"
    elif kind == HISTORY:
        return _history_problem(value, HISTORIES[field.name])
    return None


def _history_problem(value: Any, key: str) -> str | None:
    example = f'[{{from = "2017-09", {key} = ..., source = "..."}}]'
    if not isinstance(value, list):
        return f"expected a list of dated entries such as {example}"
    for index, entry in enumerate(value, start=1):
        if not isinstance(entry, Mapping):
            return f"entry {index} is not a table; use {example}"
        try:
            ok_date = parse_date(entry.get("from")) is not None
        except ValueError:
            ok_date = False
        if not ok_date:
            return f"entry {index} 'from': {entry.get('from')!r} is not a date (a year or \"YYYY-MM\")"
        number = entry.get(key)
        if not _is_number(number) or number < 0 or (number == 0 and key != "hours"):
            return f"entry {index} '{key}': {number!r} is not a positive number"
        if number > HISTORY_MAXIMA[key]:
            return f"entry {index} '{key}': {number!r} is above the plausible {HISTORY_MAXIMA[key]:g}; check the unit"
        if not isinstance(entry.get("source"), str) or not entry["source"].strip():
            return f"entry {index} 'source': missing; every dated figure needs its source"
    return None


def _is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)

"""Mode shares: a multinomial logit over the generalised cost of the options by mode chain.

For one origin-destination pair with options ``i`` (from
:func:`corridor.options.options_by_mode_chain`) of generalised cost ``c_i``,

    P(i) = exp(-scale * c_i + constant_i) / sum_j exp(-scale * c_j + constant_j)

(McFadden's conditional logit). ``scale`` (``share_scale``, 1/CNY) and the
constants by mode chain (``share_constants``, 0 where not given) live in
``model.toml`` per profile and can be overridden like any parameter. They are
assumptions until :func:`fit_shares` (``corridor calibrate --shares
FILE.csv``) fits them to observed shares; until a parameter file says
``shares_calibrated = true`` every share is labelled "indicative".
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from corridor._errors import CorridorError
from corridor.options import Option
from corridor.params import ModelParams

#: Label of shares from assumed (not fitted) parameters.
INDICATIVE = "indicative"

#: Label of shares from parameters fitted to observed shares.
CALIBRATED = "calibrated"

#: Columns a file of observed shares must have.
SHARE_COLUMNS = ("origin", "destination", "chain", "share")


def logit_shares(costs: Sequence[float], constants: Sequence[float], scale: float) -> np.ndarray:
    """Multinomial-logit probabilities of options of generalised ``costs``.

    Parameters
    ----------
    costs
        Generalised cost of each option.
    constants
        Constant of each option (its mode chain's), same length.
    scale
        Weight of one unit of cost in the utility (1/CNY).

    Returns
    -------
    numpy.ndarray
        Shares summing to 1, in the order of ``costs``.

    References
    ----------
    .. [1] McFadden, D. (1974). "Conditional logit analysis of qualitative choice
       behavior". In P. Zarembka (ed.), Frontiers in Econometrics, 105-142. Academic Press.

    Examples
    --------
    >>> logit_shares([100.0, 100.0 + math.log(3) / 0.01], [0.0, 0.0], 0.01).round(2).tolist()
    [0.75, 0.25]
    """
    utility = -scale * np.asarray(costs, dtype=float) + np.asarray(constants, dtype=float)
    utility -= utility.max()  # no overflow: shares are invariant to a common shift
    weights = np.exp(utility)
    return weights / weights.sum()


def share_label(params: ModelParams, profile: str) -> str:
    """``"calibrated"`` where the parameters say ``shares_calibrated = true``, else ``"indicative"``.

    Parameters
    ----------
    params
        Model parameters.
    profile
        ``freight`` or ``passenger``.

    Returns
    -------
    str
        :data:`CALIBRATED` or :data:`INDICATIVE`.
    """
    return CALIBRATED if params.data[profile].get("shares_calibrated") is True else INDICATIVE


def option_shares(options: Sequence[Option], params: ModelParams, profile: str) -> list[float]:
    """Shares of ``options`` under the profile's ``share_scale`` and ``share_constants``.

    Parameters
    ----------
    options
        The options of one pair (:func:`corridor.options.options_by_mode_chain`).
    params
        Model parameters.
    profile
        The profile whose parameters apply.

    Returns
    -------
    list of float
        Shares summing to 1, in the order of ``options`` (see :func:`logit_shares`).
    """
    scale = params.value(profile, "share_scale")
    constants = params.data[profile].get("share_constants") or {}
    return logit_shares([o.route.cost for o in options], [constants.get(o.label, 0.0) for o in options], scale).tolist()


def shares_table(options: Sequence[Option], params: ModelParams, profile: str) -> dict[str, float]:
    """Share of each option by chain label, rounded to 0.001.

    Parameters
    ----------
    options, params, profile
        As for :func:`option_shares`.

    Returns
    -------
    dict of str to float
        Share by chain label (``"rail+sea"``).
    """
    return {option.label: round(share, 3) for option, share in zip(options, option_shares(options, params, profile), strict=True)}


def share_shift(before: Mapping[str, float], after: Mapping[str, float]) -> dict[str, float]:
    """Change of each chain's share in percentage points (a chain missing on one side has share 0 there).

    Parameters
    ----------
    before, after
        Shares (fractions) by chain label, as :func:`shares_table` gives them.

    Returns
    -------
    dict of str to float
        ``after - before`` in percentage points, rounded to 0.1, for every chain of either side.
    """
    chains = list(dict.fromkeys([*before, *after]))
    return {chain: round(100.0 * (after.get(chain, 0.0) - before.get(chain, 0.0)), 1) for chain in chains}


@dataclass
class ObservedPair:
    """Observed shares of one origin-destination pair and the model's options for it.

    Attributes
    ----------
    origin, destination
        The pair, as named in the observed file.
    options
        The model's options of the pair.
    observed
        Observed share of each option, in the order of ``options``, summing to 1.
    """

    origin: str
    destination: str
    options: list[Option]
    observed: np.ndarray  # share of each option, same order, summing to 1


def read_observed_shares(path: str | Path) -> dict[tuple[str, str], dict[str, float]]:
    """Read observed shares (CSV: origin,destination,chain,share) by pair and chain.

    Shares of a pair are normalised to sum to 1, so tonnes or TEU per chain
    work as well as fractions.

    Parameters
    ----------
    path
        The CSV file, with a header of :data:`SHARE_COLUMNS`.

    Returns
    -------
    dict
        By ``(origin, destination)``: the share of each chain, summing to 1.

    Raises
    ------
    CorridorError
        When the file cannot be read, lacks a column, or a share is not a
        non-negative number.
    """
    try:
        with Path(path).open(newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    except OSError as exc:
        msg = f"{path}: cannot read observed shares: {exc}"
        raise CorridorError(msg) from None
    missing = [c for c in SHARE_COLUMNS if not rows or c not in rows[0]]
    if missing:
        msg = (
            f"{path}: needs columns {', '.join(SHARE_COLUMNS)} (missing {', '.join(missing)}); "
            "one row per pair and mode chain, e.g. chongqing,singapore,rail+sea,0.4"
        )
        raise CorridorError(msg)
    pairs: dict[tuple[str, str], dict[str, float]] = {}
    for number, row in enumerate(rows, start=2):
        try:
            share = float(row["share"])
        except ValueError:
            share = -1.0
        if not math.isfinite(share) or share < 0:
            msg = f"{path}, line {number}: share {row['share']!r} must be a non-negative number"
            raise CorridorError(msg)
        pairs.setdefault((row["origin"].strip(), row["destination"].strip()), {})[row["chain"].strip()] = share
    for (origin, destination), shares in pairs.items():
        total = sum(shares.values())
        if total <= 0:
            msg = f"{path}: the shares of {origin}-{destination} sum to 0; give at least one positive share"
            raise CorridorError(msg)
        pairs[origin, destination] = {chain: share / total for chain, share in shares.items()}
    return pairs


def observed_pair(origin: str, destination: str, options: Sequence[Option], observed: Mapping[str, float]) -> ObservedPair:
    """Match observed shares by chain to the model's options of a pair.

    Parameters
    ----------
    origin, destination
        The pair, named in error messages.
    options
        The model's options of the pair.
    observed
        Observed shares by chain label (:func:`read_observed_shares`).

    Returns
    -------
    ObservedPair
        The options with their observed shares (0 for a chain not observed),
        normalised to sum to 1.

    Raises
    ------
    CorridorError
        When an observed chain with a positive share is not among the options.
    """
    labels = [o.label for o in options]
    unknown = [chain for chain, share in observed.items() if share > 0 and chain not in labels]
    if unknown:
        msg = f"observed chain '{unknown[0]}' of {origin}-{destination} is not an option of the network; its options are {', '.join(labels)}"
        raise CorridorError(msg)
    shares = np.array([observed.get(label, 0.0) for label in labels])
    return ObservedPair(origin, destination, list(options), shares / shares.sum())


def fit_shares(pairs: Sequence[ObservedPair], *, reference: str | None = None) -> dict[str, Any]:
    """Fit the logit's scale and mode-chain constants to observed shares (maximum likelihood).

    Parameters
    ----------
    pairs
        Observed shares with the model's options, from :func:`observed_pair`.
    reference
        The chain whose constant stays 0 (constants are identified up to a
        common shift); default: the chain observed in most pairs.

    Returns
    -------
    dict
        ``share_scale``, ``share_constants`` (by chain), ``log_likelihood``
        (share-weighted, per pair summed), ``pairs`` (observed and fitted
        shares by pair) and ``reference``.

    Raises
    ------
    CorridorError
        When ``pairs`` is empty.

    Notes
    -----
    Minimises ``-sum_pairs sum_i s_i log P_i`` with L-BFGS-B, the scale
    bounded at 0 and below (a dearer option never gains). Costs are divided
    by their standard deviation while fitting so the scale is of order 1.
    With one pair and two chains the fit is exact but not unique: the scale
    and the constant trade off; give several pairs to separate them.

    References
    ----------
    .. [1] McFadden, D. (1974). "Conditional logit analysis of qualitative choice
       behavior". In P. Zarembka (ed.), Frontiers in Econometrics, 105-142. Academic Press.
    """
    from scipy.optimize import minimize

    if not pairs:
        msg = "no observed pair to fit the shares to"
        raise CorridorError(msg)
    chains = sorted({o.label for pair in pairs for o in pair.options})
    counts = {chain: sum(any(o.label == chain for o in pair.options) for pair in pairs) for chain in chains}
    reference = reference or min(chains, key=lambda chain: (-counts[chain], chain))
    free = [chain for chain in chains if chain != reference]
    spread = float(np.std([o.route.cost for pair in pairs for o in pair.options])) or 1.0

    def unpack(x: np.ndarray) -> tuple[float, dict[str, float]]:
        return x[0] / spread, dict(zip(free, x[1:], strict=True))

    def loss(x: np.ndarray) -> float:
        scale, constants = unpack(x)
        total = 0.0
        for pair in pairs:
            fitted = logit_shares([o.route.cost for o in pair.options], [constants.get(o.label, 0.0) for o in pair.options], scale)
            total -= float(np.sum(pair.observed * np.log(np.maximum(fitted, 1e-300))))
        return total

    start = np.zeros(1 + len(free))
    start[0] = 1.0
    result = minimize(loss, start, method="L-BFGS-B", bounds=[(0.0, None)] + [(-20.0, 20.0)] * len(free))
    scale, constants = unpack(result.x)
    constants = {reference: 0.0, **{chain: round(float(value), 4) for chain, value in constants.items()}}
    rows = []
    for pair in pairs:
        fitted = logit_shares([o.route.cost for o in pair.options], [constants.get(o.label, 0.0) for o in pair.options], scale)
        rows.append(
            {
                "origin": pair.origin,
                "destination": pair.destination,
                "shares": [
                    {"chain": o.label, "cost": round(o.route.cost, 1), "observed": round(float(s), 3), "fitted": round(float(f), 3)}
                    for o, s, f in zip(pair.options, pair.observed, fitted, strict=True)
                ],
            }
        )
    return {
        "share_scale": float(f"{scale:.6g}"),
        "share_constants": constants,
        "reference": reference,
        "log_likelihood": round(-float(result.fun), 4),
        "pairs": rows,
    }


def fitted_params_toml(profile: str, fit: Mapping[str, Any]) -> str:
    """The fitted shares as a ``--params`` file (TOML), with ``shares_calibrated = true``.

    Parameters
    ----------
    profile
        The profile the parameters are for.
    fit
        A :func:`fit_shares` result.

    Returns
    -------
    str
        The file's text: a comment with the log-likelihood, then ``[profile]``
        with ``share_scale``, ``share_constants`` and ``shares_calibrated``.
    """
    constants = ", ".join(f'"{chain}" = {value}' for chain, value in fit["share_constants"].items())
    return (
        f"# Mode-share parameters fitted by `corridor calibrate --shares` (log-likelihood {fit['log_likelihood']}).\n"
        f"[{profile}]\nshare_scale = {fit['share_scale']}\nshare_constants = {{ {constants} }}\nshares_calibrated = true\n"
    )

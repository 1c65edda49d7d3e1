#!/usr/bin/env python3
"""Regenerate the fit and residual tables of docs/calibration.md from `corridor calibrate`.

DEVELOPER TOOL, run by hand after a change of geodata/ or corridor/model.toml:
    .venv/bin/python scripts/write_calibration_doc.py
Everything between the two markers in docs/calibration.md is replaced; the prose around them is kept.
"""

from __future__ import annotations

from pathlib import Path

from corridor.calibration import calibrate, mape, read_calibration_rows
from corridor.io import load_network

DOC = Path(__file__).resolve().parents[1] / "docs" / "calibration.md"
START, END = "<!-- calibration tables: start -->", "<!-- calibration tables: end -->"


def tables() -> str:
    params, rows = calibrate(load_network(), read_calibration_rows())
    fitted = [
        ("passenger.speed_factor.hsr", params.value("passenger", "speed_factor", "hsr")),
        ("passenger.dwell_h.hsr", params.value("passenger", "dwell_h", "hsr")),
        ("passenger.speed_factor.rail", params.value("passenger", "speed_factor", "rail")),
        ("freight.speed_factor.rail", params.value("freight", "speed_factor", "rail")),
    ]
    out = ["| parameter | fitted value |", "|---|---|", *(f"| `{name}` | {value:g} |" for name, value in fitted), ""]
    out += ["| rows | n | MAPE, model | MAPE, speed model alone |", "|---|---|---|---|"]
    groups = {
        "passenger, fitted (one mode)": [r for r in rows if r.profile == "passenger" and r.fitted],
        "passenger, not fitted (HSR and conventional together)": [r for r in rows if r.profile == "passenger" and not r.fitted],
        "passenger, all": [r for r in rows if r.profile == "passenger"],
        "freight, all": [r for r in rows if r.profile == "freight"],
    }
    for name, chosen in groups.items():
        out.append(f"| {name} | {len(chosen)} | {mape(chosen):.1f}% | {mape(chosen, speed_model=True):.1f}% |")
    out += ["", "| row | from | to | modes | year | fitted | published h | model h | residual h | speed model h |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        out.append(
            f"| {r.id} | {r.origin} | {r.destination} | {r.modes_label} | {r.year} | {'yes' if r.fitted else 'no'} | "
            f"{r.published_h:.2f} | {r.model_h:.2f} | {r.residual_h:+.2f} | {r.speed_model_h:.2f} |"
        )
    return "\n".join(out)


def main() -> None:
    text = DOC.read_text(encoding="utf-8")
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    DOC.write_text(f"{head}{START}\n{tables()}\n{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    main()

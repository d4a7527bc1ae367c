"""Shared tail of the benchmark scripts: accuracy spreads and the printed/written JSON result."""

from __future__ import annotations

import json
import statistics


def mean_std(values) -> dict:
    """Accuracies (fractions) -> {"mean": %, "std": %} rounded to 0.01 point (std 0 for one value)."""
    values = list(values)
    return {"mean": round(100 * statistics.mean(values), 2),
            "std": round(100 * statistics.stdev(values), 2) if len(values) > 1 else 0.0}


def finish(result: dict, out=None) -> dict:
    """Print the result's summary and write the whole result to ``out`` (a JSON path) when given."""
    print(json.dumps(result["summary"]))
    if out:
        with open(out, "w") as f:
            json.dump(result, f, indent=1)
    return result

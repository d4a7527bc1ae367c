"""Forecast plots: forecasts against the truth, and a leaderboard's bars (matplotlib, Agg)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_forecasts(history, truth, forecasts: dict, path, n_series=4, context=None):
    """Forecasts (and the first model's interval) against the truth for the first ``n_series`` series."""
    plt = _pyplot()
    ids = list(dict.fromkeys(next(iter(forecasts.values()))["unique_id"]))[:n_series]
    cols = min(2, len(ids))
    rows = int(np.ceil(len(ids) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(7 * cols, 3.2 * rows), squeeze=False)
    for ax, uid in zip(axes.ravel(), ids):
        h = history[history["unique_id"] == uid]
        horizon = int((next(iter(forecasts.values()))["unique_id"] == uid).sum())
        h = h.tail(context or max(4 * horizon, 24))
        ax.plot(h["ds"], h["y"], color="black", lw=1, label="history")
        if truth is not None:
            t = truth[truth["unique_id"] == uid]
            ax.plot(t["ds"], t["y"], color="black", lw=1.5, ls="--", label="truth")
        for i, (name, fc) in enumerate(forecasts.items()):
            f = fc[fc["unique_id"] == uid]
            line, = ax.plot(f["ds"], f["yhat"], lw=1.2, label=name)
            if i == 0 and "yhat_lower" in f:
                ax.fill_between(f["ds"], f["yhat_lower"], f["yhat_upper"], color=line.get_color(), alpha=0.2,
                                label=f"{name} interval")
        ax.set_title(str(uid))
        ax.tick_params(axis="x", labelrotation=30)
    for ax in axes.ravel()[len(ids):]:
        ax.axis("off")
    axes[0, 0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return Path(path)


def plot_leaderboard(board: pd.DataFrame, path):
    """OWA (or sMAPE) per model as horizontal bars, best at the top."""
    plt = _pyplot()
    key = "owa" if "owa" in board and board["owa"].notna().all() else "smape"
    ordered = board.sort_values(key, ascending=False)
    fig, ax = plt.subplots(figsize=(6, 0.35 * len(board) + 1.2))
    ax.barh(ordered["model"], ordered[key], color="tab:blue")
    if key == "owa":
        ax.axvline(1.0, color="gray", ls="--", lw=1)
    ax.set_xlabel(key)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return Path(path)

"""Seeded, stratified index splits shared by the text and image loaders and by cross-validation."""

from __future__ import annotations

import numpy as np

from zoo.errors import ZooValueError


def stratified_split(labels, fraction: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(keep, held_out) index arrays; ``fraction`` of each class is held out, seeded."""
    if not 0.0 < fraction < 1.0:
        raise ZooValueError(f"The split fraction must be in (0, 1). Got {fraction!r}.")
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    held = []
    for c in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == c))
        # A class of 2-4 examples still gets a test example; a single example stays in training.
        held.append(idx[: max(1, int(round(fraction * len(idx)))) if len(idx) > 1 else 0])
    held = np.sort(np.concatenate(held))
    keep = np.setdiff1d(np.arange(len(labels)), held)
    return keep, held


def kfold_indices(labels, k: int = 10, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified k-fold: a list of ``(train_idx, test_idx)``; every example is tested once."""
    labels = np.asarray(labels)
    largest = int(np.bincount(np.unique(labels, return_inverse=True)[1]).max()) if len(labels) else 0
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2 or k > largest:
        raise ZooValueError(f"The 'k' parameter must be an int in [2, {largest}] (the largest class's size: every fold "
                         f"needs an example). Got {k!r}.")
    rng = np.random.default_rng(seed)
    fold_of = np.empty(len(labels), dtype="int64")
    for c in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == c))
        fold_of[idx] = np.arange(len(idx)) % k
    return [(np.flatnonzero(fold_of != f), np.flatnonzero(fold_of == f)) for f in range(k)]


def validation_split(labels, fraction: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(train, validation) indices: a stratified, seeded ``fraction`` of each class held out; 0 holds out none."""
    if not fraction:
        return np.arange(len(labels)), np.arange(0)
    return stratified_split(labels, fraction, seed)


def subset(indices, limit, seed: int = 0) -> np.ndarray:
    """At most ``limit`` of ``indices`` (a seeded sample, original order kept); None keeps all."""
    indices = np.asarray(indices)
    if limit is None or limit >= len(indices):
        return indices
    return np.sort(np.random.default_rng(seed).permutation(indices)[:limit])

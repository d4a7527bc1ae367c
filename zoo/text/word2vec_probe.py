"""A sentiment probe for word vectors: Word2Vec's validation objective.

Word2Vec's own loss cannot compare settings (it changes with the window and the number of
negatives, and a held-out loss favours size, not use), so vectors are scored the way the zoo
uses them: a logistic regression on each sentence's mean unit word vector, fitted on the
probe set's training split and scored on its validation split (SST-2's dev set; a seeded 10 %
of training where a set has no dev split). The test split is scored only when asked, once, after
tuning. Labels are read here only; Word2Vec itself never sees them.
"""

from __future__ import annotations

import numpy as np

from zoo.errors import ZooValueError

VALIDATION_FRACTION = 0.1


class SentimentProbe:
    """``score(words, weights)`` -> ``{"val_probe_accuracy": ...}`` (and ``test_probe_accuracy`` with ``test=True``)."""

    def __init__(self, dataset="sst2", tokenizer="basic", data_path=None, seed=0):
        from zoo.datasets.text import load_text_dataset
        from zoo.text.word2vec_data import _tokenizer

        ds = load_text_dataset(dataset, data_path)
        tokenize = _tokenizer(tokenizer)
        train_texts, train_labels = list(ds.train_texts), np.asarray(ds.train_labels)
        if ds.dev_texts:
            val_texts, val_labels = list(ds.dev_texts), np.asarray(ds.dev_labels)
        else:
            order = np.random.default_rng(seed).permutation(len(train_texts))
            cut = max(1, int(round(len(order) * VALIDATION_FRACTION)))
            val_texts, val_labels = [train_texts[i] for i in order[:cut]], train_labels[order[:cut]]
            train_texts, train_labels = [train_texts[i] for i in order[cut:]], train_labels[order[cut:]]
        if len(set(train_labels.tolist())) < 2:
            raise ZooValueError(f"The 'probe' dataset {ds.name!r} has a single class in its training split; a "
                             f"probe needs at least two. Pass a labelled set such as 'sst2' or 'mr'.")
        self.name = ds.name
        self.splits = {
            "train": ([tokenize(t) for t in train_texts], train_labels),
            "val": ([tokenize(t) for t in val_texts], val_labels),
            "test": ([tokenize(t) for t in ds.test_texts], np.asarray(ds.test_labels)),
        }
        self.seed = seed
        self._words, self._bags = None, {}  # the vocabulary, and per split its sentence-averaging matrix

    def _bag(self, words, split):
        """A (sentences, vocabulary) matrix whose product with unit vectors gives mean vectors."""
        from scipy import sparse

        if words is not self._words:  # a new vocabulary (a new trial): new matrices
            self._words, self._bags = words, {}
        if split not in self._bags:
            index = {w: i for i, w in enumerate(words)}
            rows, cols = [], []
            for r, tokens in enumerate(self.splits[split][0]):
                ids = [index[t] for t in tokens if t in index]
                rows += [r] * len(ids)
                cols += ids
            m = sparse.csr_matrix((np.ones(len(rows), dtype="float32"), (rows, cols)),
                                  shape=(len(self.splits[split][0]), len(words)))
            counts = np.asarray(m.sum(axis=1)).ravel()
            self._bags[split] = sparse.diags(1.0 / np.maximum(counts, 1.0)) @ m
        return self._bags[split]

    def features(self, words, weights, split) -> np.ndarray:
        unit = weights / np.maximum(np.linalg.norm(weights, axis=1, keepdims=True), 1e-12)
        return np.asarray(self._bag(words, split) @ unit, dtype="float64")

    def score(self, words, weights, test: bool = False) -> dict:
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        weights = np.asarray(weights, dtype="float32")
        classifier = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, random_state=self.seed))
        classifier.fit(self.features(words, weights, "train"), self.splits["train"][1])
        out = {"val_probe_accuracy": float(classifier.score(self.features(words, weights, "val"), self.splits["val"][1]))}
        if test:
            out["test_probe_accuracy"] = float(classifier.score(self.features(words, weights, "test"),
                                                                self.splits["test"][1]))
        return out

"""The text-classification task (sentiment and any sentence classification).

A trained model takes raw strings on every backend: the tokenizer (built on the training split
only) is stored inside the ``.keras`` file (``zoo.text.layers.TextTokenizer``). Models: the
registered text models trained from scratch, optionally from pretrained word vectors
(``embeddings=``), or ``bert`` fine-tuned from a checkpoint (``pretrained=``); ``ensemble=N``
trains N members (seeds seed..seed+N-1) and saves one model that averages them.
"""

from __future__ import annotations

import math
import os
import time
from pathlib import Path

import numpy as np

from zoo.core.metrics import probabilistic_metrics
from zoo.core.plots import plot_confusion_matrix, plot_roc_pr
from zoo.core.runtime import PRECISIONS, RUNTIME_DEFAULTS
from zoo.datasets.splits import stratified_split, subset
from zoo.datasets.text import TextDataset, load_text_dataset
from zoo.errors import ZooFileNotFoundError, ZooTypeError, ZooValueError, check_int
from zoo.tasks.classification import ClassificationTask, rank
from zoo.tasks.text import batching, transfer

# Per-family defaults: chosen on SST-2's dev split (see saved_models/*_sst2.json and benchmarks/).
DEFAULTS = {
    "textcnn": {"epochs": 4, "batch_size": 50, "learning_rate": 1e-3},
    "transformer": {"epochs": 8, "batch_size": 64, "learning_rate": 5e-4},
    "rnn": {"epochs": 5, "batch_size": 64, "learning_rate": 2e-3},
    "bert": {"epochs": 2, "batch_size": 32, "learning_rate": 5e-5, "weight_decay": 0.01, "freeze_embeddings": True},
    "nbsvm": {"epochs": 8, "batch_size": 50, "learning_rate": 3e-3},
}
SETTINGS = dict(model="textcnn", dataset="sst2", epochs=None, batch_size=None, learning_rate=None, weight_decay=None,
                seed=0, pretrained=None, embeddings=None, freeze_embeddings=None, sequence_length=None,
                max_tokens=None, min_count=1, validation_split=0.1, patience=None, ensemble=1, dtype_policy=None,
                limit=None, data_path=None, model_kwargs=None, verbose="auto", **RUNTIME_DEFAULTS)
REFERENCE_TEXTS = [
    "a gripping, funny film",
    "a dull, tedious mess that never finds its footing",
    "the performances are fine but the script is n't",
    "an unforgettable, heartfelt story",
]


def family(model) -> str:
    if not isinstance(model, str):
        return "custom"
    return model if model in ("textcnn", "transformer", "bert", "nbsvm") else "rnn"


def resolve_defaults(config: dict) -> dict:
    """``config`` with None settings replaced by the model family's defaults."""
    config = {**SETTINGS, **config}
    if config["pretrained"] is not None and config["model"] == "textcnn":
        config["model"] = "bert"  # train(pretrained=...) alone means: fine-tune that encoder
    defaults = DEFAULTS.get(family(config["model"]), DEFAULTS["rnn"])
    for key in ("epochs", "batch_size", "learning_rate"):
        if config[key] is None:
            config[key] = defaults[key]
    if config["weight_decay"] is None:
        config["weight_decay"] = defaults.get("weight_decay", 0.0)
    if config["freeze_embeddings"] is None:
        config["freeze_embeddings"] = defaults.get("freeze_embeddings", False)
    return config


def _looks_local(value: str) -> bool:
    """A file path rather than a KerasHub preset name or a remote handle (``hf://``, ``kaggle://``)."""
    return "://" not in value and (os.sep in value or "/" in value or value.startswith((".", "~")) or
                                   value.endswith((".txt", ".vec", ".bin", ".gz")))


class TextClassification(ClassificationTask):
    application = "sentiment"

    @classmethod
    def defaults(cls, config: dict) -> dict:
        return SETTINGS

    def resolve(self, config: dict) -> dict:
        return resolve_defaults(config)

    def search_space(self) -> dict:
        lr = float(self.config["learning_rate"])
        space = {"learning_rate": ("log", lr / 5, lr * 5), "batch_size": [16, 32, 64]}
        if family(self.config["model"]) not in ("bert", "custom"):
            from zoo.core.spaces import model_space
            from zoo.models import get_model_entry

            space.update(model_space(get_model_entry(self.model_name, "text").builder))
            if self.config["embeddings"] is not None:
                space.pop("model_kwargs.embedding_dim", None)
        return space

    def check(self) -> None:
        c, owner = self.config, self.owner
        self.check_common()
        if c["dtype_policy"] is not None and c["precision"] != "fp32" and c["dtype_policy"] != PRECISIONS[c["precision"]]:
            raise ZooValueError(f"{owner} got precision={c['precision']!r} and dtype_policy={c['dtype_policy']!r}; "
                             f"give one of them (precision is the short form of the Keras dtype policy).")
        check_int(c["ensemble"], "ensemble", owner)
        check_int(c["min_count"], "min_count", owner)
        for name, minimum in (("max_tokens", 3), ("patience", 1), ("sequence_length", 1)):
            if c[name] is not None:
                check_int(c[name], name, owner, minimum=minimum)
        fam, name = family(c["model"]), self.model_name
        if fam not in ("bert", "custom"):  # an unknown name fails here, before any data is read or run folder made
            from zoo.models.registry import get_model_entry

            get_model_entry(name, "text")
        if c["ensemble"] > 1 and fam in ("bert", "custom"):
            raise ZooValueError(f"The 'ensemble' parameter applies to the zoo's from-scratch models. Got "
                             f"ensemble={c['ensemble']} with model={name!r}.")
        if fam == "bert" and c["embeddings"] is not None:
            raise ZooValueError("The 'embeddings' parameter does not apply to model='bert' (it has its own pretrained embeddings).")
        if fam == "custom" and c["pretrained"] is not None:
            raise ZooValueError("The 'pretrained' parameter applies to model='bert' only; pass a model name, not a model object.")
        if fam not in ("bert", "custom") and c["pretrained"] is not None:
            raise ZooValueError(f"The 'pretrained' parameter applies to model='bert' only. Got model={name!r} with "
                             f"pretrained={c['pretrained']!r}; use embeddings= to start {name} from word vectors.")
        if fam == "nbsvm" and c["embeddings"] is not None:
            raise ZooValueError("The 'embeddings' parameter does not apply to model='nbsvm': it weighs n-grams by their "
                             "Naive Bayes ratios and has no word vectors. Use model='textcnn' with embeddings=.")
        transfer.check_embeddings(c["embeddings"])
        for key in ("embeddings", "pretrained"):  # a local path that is not there: say so before any data is read
            value = c[key]
            if isinstance(value, (str, os.PathLike)) and _looks_local(str(value)) and not Path(value).expanduser().exists():
                raise ZooFileNotFoundError(f"The '{key}' parameter of {owner} names {value}, which does not exist. "
                                           f"Pass an existing file or folder, or an hf:// handle.")

    @property
    def model_name(self) -> str:
        model = self.config["model"]
        return model if isinstance(model, str) else model.name

    # ---- data ----
    def load_data(self) -> TextDataset:
        return load_text_dataset(self.config["dataset"], self.config["data_path"])

    def split_texts(self, ds: TextDataset):
        """(train texts, labels), (validation texts, labels) or None: the dev split if the set has one."""
        c = self.config
        y = np.asarray(ds.train_labels)
        if ds.dev_texts:
            keep, val = np.arange(len(y)), (list(ds.dev_texts), np.asarray(ds.dev_labels))
        elif c["validation_split"]:
            keep, held = stratified_split(ds.train_labels, c["validation_split"], self.seed)
            val = ([ds.train_texts[i] for i in held], y[held])
        else:
            keep, val = np.arange(len(y)), None
        keep = subset(keep, c["limit"], self.seed)
        x_tr = [ds.train_texts[i] for i in keep]
        if not x_tr or (val is not None and not val[0]):
            raise ZooValueError(f"{ds.name!r} has {len(ds.train_texts)} training examples: validation_split="
                             f"{c['validation_split']} leaves {len(x_tr)} to train on and {0 if val is None else len(val[0])} "
                             f"to validate with. Use a smaller validation_split (0 for none).")
        return (x_tr, y[keep]), val

    def describe(self, ds: TextDataset) -> dict:
        c = self.config
        emb = c["embeddings"]
        return dict(model=self.model_name, dataset=ds.name, class_names=ds.class_names,
                    pretrained=str(c["pretrained"]) if c["pretrained"] is not None else None,
                    embeddings=None if emb is None else (str(emb) if isinstance(emb, (str, os.PathLike))
                                                         else type(emb).__name__))

    def run_name(self, ds) -> list[str]:
        return [self.model_name, ds.name]

    # ---- model ----
    def build(self, ds: TextDataset):
        """The tokenizer (training split only) and, for BERT, the encoder; members are built in ``fit``."""
        from zoo.models import create_model
        from zoo.text import WordTokenizer

        c = self.config
        fam = family(c["model"])
        (x_tr, _), _ = self.split_texts(ds)
        self.kwargs = dict(c["model_kwargs"] or {})
        self.matrix = self.bert = None
        if fam == "bert":
            tok = transfer.wordpiece_for(c["pretrained"], c["sequence_length"])
            self.kwargs.setdefault("vocab_size", tok.vocab_size)
            self.seq_len = None
            self.bert = create_model("bert", "text", pretrained=c["pretrained"], num_classes=ds.num_classes,
                                     **self.kwargs)
            positions = next((layer.max_sequence_length for layer in self.bert.layers
                              if hasattr(layer, "max_sequence_length")), None)
            if positions is not None and tok.sequence_length > positions:
                if c["sequence_length"] is not None:
                    raise ZooValueError(f"The 'sequence_length' parameter ({c['sequence_length']}) exceeds the {positions} "
                                     f"positions of the checkpoint {c['pretrained']}. Use sequence_length <= {positions}.")
                tok.sequence_length = positions  # longer texts are truncated, as at training
        elif fam == "custom":
            self.seq_len = c["model"].input_shape[1]
            tok = WordTokenizer.fit(x_tr, c["max_tokens"], c["min_count"], sequence_length=self.seq_len)
        else:
            tok = WordTokenizer.fit(x_tr, c["max_tokens"], c["min_count"])
            self.seq_len = self._sequence_length(tok.ids(x_tr))
            tok.sequence_length = self.seq_len
            self.matrix = transfer.embedding_matrix(c["embeddings"], tok.vocabulary)
            if self.matrix is not None:
                self.kwargs["embedding_dim"] = self.matrix.shape[1]
        self.tok = tok
        return None

    def _sequence_length(self, ids) -> int:
        given = self.config["sequence_length"]
        if given is not None:
            return check_int(given, "sequence_length", self.owner, minimum=1)
        lengths = [len(s) for s in ids]
        return int(min(batching.MAX_SEQUENCE_LENGTH, max(8, np.percentile(lengths, 99) if lengths else 8)))

    def _member(self, m: int, data, labels, num_classes: int):
        from zoo.models import create_model

        c, fam = self.config, family(self.config["model"])
        if fam == "bert":
            if c["freeze_embeddings"]:
                transfer.freeze_token_embeddings(self.bert)
            return self.bert
        if fam == "custom":
            return c["model"]
        kwargs = {**self.kwargs, "name": f"{self.model_name}_{m}"} if c["ensemble"] > 1 else self.kwargs
        base = create_model(self.model_name, "text", vocab_size=self.tok.vocab_size, sequence_length=self.seq_len,
                            num_classes=num_classes, **kwargs)
        if self.matrix is not None:
            transfer.set_embeddings(base, self.matrix, c["freeze_embeddings"])
        transfer.adapt_naive_bayes(base, data, labels)
        return base

    def fit(self, _, ds: TextDataset, run):
        import keras

        from zoo.text.layers import TextTokenizer

        c, tok, seq_len = self.config, self.tok, self.seq_len
        (x_tr, y_tr), val = self.split_texts(ds)
        if seq_len is None:
            data = batching.py_dataset(tok.ids(x_tr), y_tr, c["batch_size"], tok.pad_id, self.seed)
            val_data = (batching.py_dataset(tok.ids(val[0]), val[1], c["batch_size"] * 2, tok.pad_id, self.seed + 1)
                        if val is not None else None)
            fit_args = {}
        else:
            data = tok.encode(x_tr, seq_len)
            val_data = (tok.encode(val[0], seq_len), val[1]) if val is not None else None
            fit_args = {"y": y_tr, "batch_size": c["batch_size"], "shuffle": True}
        # The dtype policy (precision / dtype_policy) is set around this by Task.runtime().
        members, histories, start = [], [], time.perf_counter()
        for m in range(c["ensemble"]):
            keras.utils.set_random_seed(self.seed + m)
            base = self._member(m, data, y_tr, ds.num_classes)
            steps = c["epochs"] * int(math.ceil(len(x_tr) / c["batch_size"]))
            lr = c["learning_rate"]
            if family(c["model"]) == "bert":
                lr = keras.optimizers.schedules.CosineDecay(0.0, max(1, steps - steps // 10), alpha=0.0,
                                                            warmup_target=lr, warmup_steps=max(1, steps // 10))
            optimizer = (keras.optimizers.AdamW(lr, weight_decay=c["weight_decay"]) if c["weight_decay"]
                         else keras.optimizers.Adam(lr))
            base.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
            callbacks = []
            if val is not None:
                callbacks.append(keras.callbacks.EarlyStopping(monitor="val_accuracy", mode="max",
                                                               patience=c["patience"] or c["epochs"],
                                                               restore_best_weights=True))
            history = run.fit(base, data, epochs=c["epochs"], validation_data=val_data, callbacks=callbacks,
                              verbose=c["verbose"], phase=f"member{m}", **fit_args)
            histories.append(history)
            base.optimizer, base.compiled = None, False  # keep Adam's moments out of the saved file
            members.append(base)
        wall = time.perf_counter() - start
        inputs = keras.Input(shape=(seq_len,), dtype="int32", name="token_ids")
        x = TextTokenizer(tok.get_config(), ds.class_names, dtype="float32")(inputs)
        outputs = [b(x) for b in members]
        # float32 whatever the training policy: the averaged probabilities are what users read.
        out = keras.layers.Average(name="ensemble_mean", dtype="float32")(outputs) if len(outputs) > 1 else outputs[0]
        n = c["ensemble"]
        net = keras.Model(inputs, out, name=f"{self.model_name}{'x%d' % n if n > 1 else ''}_{ds.name}")
        net._zoo_card = {"class_names": ds.class_names, "dataset": ds.name}
        epochs_run = sum(len(h.get("loss", [])) for h in histories)
        info = {"train_wall_time_s": wall, "train_examples": len(x_tr), "epochs_run": epochs_run,
                "train_sentences_per_s": len(x_tr) * epochs_run / wall, "vocab_size": tok.vocab_size,
                "sequence_length": seq_len, "ensemble": n}
        if val is not None and "val_accuracy" in histories[0]:
            info["best_epoch"] = [int(np.argmax(h["val_accuracy"])) + 1 for h in histories]
            info["member_val_accuracy"] = [float(max(h["val_accuracy"])) for h in histories]
            if n == 1:
                info["best_epoch"] = info["best_epoch"][0]
            val_probs = batching.predict_proba(net, val[0])
            info["val_accuracy"] = float(np.mean(val_probs.argmax(-1) == np.asarray(val[1])))
        return net, histories[0], info

    # ---- results ----
    def evaluate(self, model, ds: TextDataset, run_dir=None) -> dict:
        return evaluate_texts(model, ds, "test", run_dir=run_dir)

    def predict(self, model, inputs, top_k=1, batch_size=128):
        return predict_texts(model, inputs, top_k, batch_size)

    def sample_inputs(self, ds=None):
        return list(REFERENCE_TEXTS)

    def save(self, model, run_dir) -> None:
        from zoo.core.io import save_model

        save_model(transfer.strip_training_state(model), run_dir / "model.keras")

    def card(self, net, run_dir, config, metrics) -> dict:
        probs = batching.predict_proba(net, REFERENCE_TEXTS)
        return {"class_names": net.get_layer("text_tokenizer").class_names,
                "input": "raw strings; the tokenizer is inside the model",
                "config": {k: config.get(k) for k in ("epochs", "batch_size", "learning_rate", "weight_decay", "seed",
                                                      "ensemble", "model_kwargs", "pretrained", "sequence_length")},
                "best_epoch": metrics.get("best_epoch"), "val_accuracy": metrics.get("val_accuracy"),
                "train_sentences_per_s": metrics.get("train_sentences_per_s"),
                "reference_predictions": {"texts": REFERENCE_TEXTS, "probabilities": probs.tolist()}}


def evaluate_texts(net, ds: TextDataset, split="test", batch_size=128, run_dir=None) -> dict:
    """Metrics of ``net`` on one split of ``ds``, classes matched by name; plots into ``run_dir``."""
    from zoo.text.layers import find_tokenizer

    if split not in ("test", "dev", "train"):
        raise ZooValueError(f"The 'split' parameter of sentiment.evaluate must be 'test', 'dev' or 'train'. Got {split!r}.")
    texts, labels = {"test": (ds.test_texts, ds.test_labels), "dev": (ds.dev_texts, ds.dev_labels),
                     "train": (ds.train_texts, ds.train_labels)}[split]
    if not texts:
        raise ZooValueError(f"Dataset {ds.name!r} has no {split!r} split.")
    names = list(find_tokenizer(net).class_names or ds.class_names)
    labels = np.asarray(labels)
    if names != list(ds.class_names):  # match classes by name, never by position
        unknown = [c for c in ds.class_names if c not in names]
        if unknown:
            raise ZooValueError(f"Dataset {ds.name!r} has classes {unknown} that the model does not predict (its classes: "
                             f"{names}). Labels are matched by name: give the dataset the model's class names.")
        labels = np.asarray([names.index(c) for c in ds.class_names])[labels]
    probs = batching.predict_proba(net, texts, batch_size)
    if probs.shape[1] != len(names):
        raise ZooValueError(f"The model predicts {probs.shape[1]} classes but names {len(names)} ({names}).")
    metrics = probabilistic_metrics(labels, probs, names)
    metrics["split"] = split
    if run_dir is not None:
        plot_confusion_matrix(metrics["confusion_matrix"], names, os.path.join(run_dir, "confusion_matrix.png"))
        plot_roc_pr(labels.astype(int), probs, names, run_dir)
    return metrics


def predict_texts(model, texts, top_k=1, batch_size=128):
    """``[(label, probability), ...]`` per text (``top_k=1``), else the ``top_k`` best pairs per text."""
    from zoo import saved_models
    from zoo.text.layers import find_tokenizer

    if isinstance(texts, str):
        texts = [texts]
    if texts is None or not hasattr(texts, "__iter__"):
        raise ZooTypeError(f"The 'texts' parameter of sentiment.predict must be a string or a list of strings. "
                        f"Got {type(texts).__name__}.")
    texts = list(texts)
    odd = [t for t in texts if not isinstance(t, str)]
    blank = [i for i, t in enumerate(texts) if isinstance(t, str) and not t.strip()]
    if blank:
        raise ZooValueError(f"The 'texts' parameter of sentiment.predict holds {len(blank)} empty string(s) (at index "
                         f"{', '.join(map(str, blank[:5]))}); a model cannot judge no words. Drop them first.")
    if odd:
        raise ZooTypeError(f"The 'texts' parameter of sentiment.predict must hold strings; got {type(odd[0]).__name__} "
                        f"values such as {odd[0]!r}.")
    check_int(batch_size, "batch_size", "sentiment.predict")
    top_k = check_int(top_k, "top_k", "sentiment.predict")
    net, _ = saved_models.load(model)
    names = find_tokenizer(net).class_names
    if names and top_k > len(names):
        raise ZooValueError(f"The 'top_k' parameter of sentiment.predict must be at most the {len(names)} classes. Got {top_k}.")
    probs = batching.predict_proba(net, texts, batch_size)
    names = names or [str(i) for i in range(probs.shape[-1])]
    if top_k > len(names):
        raise ZooValueError(f"The 'top_k' parameter of sentiment.predict must be at most the {len(names)} classes. Got {top_k}.")
    ranked = rank(probs, names, top_k)
    return [r[0] for r in ranked] if top_k == 1 else ranked


def fold_dataset(ds: TextDataset, texts, labels, f: int, train_idx, test_idx) -> TextDataset:
    return TextDataset(f"{ds.name}_fold{f}", [texts[i] for i in train_idx], labels[train_idx],
                       [texts[i] for i in test_idx], labels[test_idx], ds.class_names)

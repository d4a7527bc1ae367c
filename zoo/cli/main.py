"""The ``zoo`` command: everything the Python API does has a subcommand.

``info``, ``models``, ``datasets``, ``run <recipe>``, ``train``/``tune``/``evaluate <application>``,
``predict``, ``forecast``, ``backtest``, ``export``, ``serve``; ``zoo <command> --help`` shows an example.

Runs never publish by themselves: ``--publish NAME`` copies the finished model to
``saved_models/`` (refused if a published model of that name scores better, unless ``--force``).
An interrupted run continues when the same command is run again.

``--backend`` is applied before anything imports Keras, so it always wins over
whatever ``KERAS_BACKEND`` says.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tomllib
from pathlib import Path

from zoo import backend as zoo_backend
from zoo.cli import catalog, deploy
from zoo.errors import ZooError, ZooValueError


def _parse_value(text: str):
    """'3' -> 3, '0.1' -> 0.1, 'true' -> True, '[1,2]' -> [1, 2], anything else stays a string."""
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("none", "null"):
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def parse_overrides(tokens: list[str]) -> dict:
    """``--epochs 3 --model=lenet5 --augment`` -> {'epochs': 3, 'model': 'lenet5', 'augment': True}."""
    out, i = {}, 0
    while i < len(tokens):
        tok = tokens[i]
        if not tok.startswith("--") or len(tok) < 3:
            raise SystemExit(f"zoo: expected an option like --epochs 3, got {tok!r}.")
        key = tok[2:]
        if "=" in key:
            key, value = key.split("=", 1)
            out[key.replace("-", "_")] = _parse_value(value)
            i += 1
        elif i + 1 < len(tokens) and not tokens[i + 1].startswith("--"):
            out[key.replace("-", "_")] = _parse_value(tokens[i + 1])
            i += 2
        else:
            out[key.replace("-", "_")] = True
            i += 1
    return out


def load_recipe(path: str) -> dict:
    """A recipe: a TOML file with ``application`` (and optional ``function``) plus keyword arguments."""
    p = Path(path)
    if not p.exists():
        candidate = Path("applications") / path
        for c in (candidate, candidate.with_suffix(".toml")):
            if c.exists():
                p = c
                break
        else:
            raise SystemExit(f"zoo run: recipe {path!r} not found (also looked in applications/).")
    try:
        with open(p, "rb") as f:
            recipe = tomllib.load(f)
    except tomllib.TOMLDecodeError as err:
        raise SystemExit(f"zoo run: recipe {p} is not valid TOML: {err}. Recipes hold lines like "
                         f"`epochs = 3` and `model = \"lenet5\"` (strings in quotes).") from None
    if "application" not in recipe:
        raise SystemExit(f"zoo run: recipe {p} must set application = \"...\" (e.g. \"image_classification\").")
    recipe["_path"] = str(p)
    return recipe


def cmd_info(args) -> int:
    import keras  # noqa: F401  (after --backend was applied)

    from zoo.datasets import root

    print(f"zoo {__import__('zoo').__version__}")
    print(f"backend: {zoo_backend.active_backend()}")
    for name, version in zoo_backend.versions().items():
        print(f"{name}: {version or 'not installed'}")
    print(f"devices: {', '.join(zoo_backend.devices())}")
    threads = zoo_backend.apply_thread_defaults()
    default = f"{threads['backend']}'s default, one per core"
    hint = f"; ${zoo_backend.THREADS_ENV} sets it" if threads["source"] == "backend default" else ""
    print(f"intra-op threads: {threads['threads'] or default} ({threads['source']}{hint})")
    if "inter_op_threads" in threads:
        print(f"inter-op threads: {threads['inter_op_threads'] or default}")
    if "xla_flags" in threads:
        print(f"XLA_FLAGS: {threads['xla_flags'] or '(unset: XLA picks its CPU threads)'}")
    if threads.get("conv_patch"):
        print("convolutions: channels-last input read in place (zoo.backend.patch_torch_conv, keras#23279)")
    print(f"data root: {root.describe()}")
    return 0


def _check_options(owner: str, fn, kwargs: dict) -> None:
    """Every option a function of the Python API accepts, or one line naming the wrong one and the right ones."""
    import difflib
    import inspect

    params = inspect.signature(fn).parameters
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return
    known = [n for n, p in params.items() if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    for key in kwargs:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f" Did you mean --{close[0].replace('_', '-')}?" if close else ""
            raise SystemExit(f"zoo: {owner} has no option --{key.replace('_', '-')} (a flag or a recipe key).{hint} "
                             f"Options: {', '.join(known)}.")


def _tune(application: str, kwargs: dict) -> int:
    """``zoo tune <application> --n-trials 20 --model lenet5 ...``: tune() options plus the task's settings."""
    import inspect

    from zoo.tasks import TASKS, task_class
    from zoo.tuning import tune

    if application not in TASKS:
        from zoo.applications import get_application

        get_application(application)  # the usual 'did you mean' error
    options = [n for n in inspect.signature(tune).parameters if n not in ("application", "config")]
    settings = [*options, *task_class(application).defaults(kwargs)]

    def accepts(**_):
        pass

    accepts.__signature__ = inspect.Signature([inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY)
                                               for n in dict.fromkeys(settings)])
    _check_options(f"{application} tune", accepts, kwargs)
    if isinstance(kwargs.get("search_space"), str):
        raise SystemExit("zoo tune: --search-space takes JSON, e.g. "
                         "'{\"learning_rate\": [\"log\", 1e-4, 1e-2], \"batch_size\": [32, 64]}'.")
    found = tune(application, **kwargs)
    print(f"best validation value: {found.best_value:.4f}; params: {found.best_params}; trials: {found.counts}")
    print(f"study folder: {found.study_dir}")
    if found.result is not None:
        shown = {k: v for k, v in found.result.metrics.items() if isinstance(v, float)}
        print("retrained, test metrics: " + ", ".join(f"{k}={v:.4f}" for k, v in shown.items()))
        print(f"run folder: {found.result.run_dir}")
    return 0


def _call(application: str, function: str, kwargs: dict, publish: str | None = None, force: bool = False):
    from zoo.applications import get_application
    from zoo.core.rundir import TrainResult

    if function == "tune":
        return _tune(application, kwargs)
    module = get_application(application)
    fn = getattr(module, function, None)
    if fn is None:
        raise SystemExit(f"zoo: application {application!r} has no function {function!r}.")
    _check_options(f"{application}.{function}", fn, kwargs)
    if publish is not None:
        from zoo.core.publish import check_name

        check_name(publish)  # before hours of training, not after
    result = fn(**kwargs)
    if isinstance(result, TrainResult):
        shown = {k: v for k, v in (result.metrics or {}).items() if isinstance(v, (int, float))}
        print("metrics: " + ", ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in shown.items()))
        print(f"run folder: {result.run_dir}")
        if publish is not None:
            from zoo.core.publish import publish as publish_run
            from zoo.tasks import task_of_run

            card = publish_run(result.run_dir, publish, task_of_run(result.run_dir), force=force)
            print(f"published: saved_models/{card['name']} ({card.get('file') or 'card only'})")
    elif publish is not None:
        raise SystemExit(f"zoo: {application}.{function} makes no model to publish; --publish needs a training run.")
    else:
        show(result)
    return 0


def show(result) -> None:
    """A result of evaluate/forecast/backtest on the terminal: metrics in one line, tables whole."""
    import pandas as pd

    if isinstance(result, pd.DataFrame):
        with pd.option_context("display.max_rows", 60, "display.width", 160, "display.precision", 4):
            print(result.to_string(index=False) if len(result) <= 60 else result)
        if result.attrs.get("run_dir"):
            print(f"run folder: {result.attrs['run_dir']}")
    elif isinstance(result, dict):
        shown = {k: v for k, v in result.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
        print("metrics: " + ", ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in shown.items()))
    elif result is not None:
        print(result)


def cmd_run(args, extra) -> int:
    from zoo.core.rundir import current_recipe

    recipe = load_recipe(args.recipe)
    application = recipe.pop("application")
    function = recipe.pop("function", "train")
    path = recipe.pop("_path")
    recipe.pop("description", None)
    recipe.update(parse_overrides(extra))
    current_recipe.set(path)
    print(f"recipe {path}: {application}.{function}({', '.join(f'{k}={v!r}' for k, v in recipe.items())})")
    return _call(application, function, recipe, args.publish, args.force)


def cmd_train(args, extra) -> int:
    return _call(args.application, "train", parse_overrides(extra), args.publish, args.force)


def cmd_tune(args, extra) -> int:
    return _tune(args.application, parse_overrides(extra))


def cmd_function(application: str, function: str, extra) -> int:
    """``zoo evaluate <app>``, ``zoo forecast``, ``zoo backtest``: the Python function, flags as its arguments."""
    kwargs = parse_overrides(extra)
    if function == "backtest" and isinstance(kwargs.get("models"), str):
        kwargs["models"] = [m.strip() for m in kwargs["models"].split(",") if m.strip()]
    return _call(application, function, kwargs)


def cmd_predict(args) -> int:
    """``zoo predict MODEL INPUTS...``: image files or folders, or a text file / stdin of sentences."""
    from zoo.cli.inputs import read_inputs
    from zoo.deploy.source import load_source

    src = load_source(args.model, "zoo predict")
    if src.kind == "forecaster":
        raise ZooValueError(f"{args.model} is a forecaster; forecast with `zoo forecast --model {args.model}`.")
    labels, inputs = read_inputs(src.kind, args.inputs)
    if src.kind == "image":
        from zoo.applications import image_classification

        results = image_classification.predict(src.model, inputs, top_k=args.top_k)
    else:
        from zoo.applications import sentiment

        results = sentiment.predict(src.model, inputs, top_k=args.top_k)
    for label, result in zip(labels, results):
        pairs = result if isinstance(result, list) else [result]
        print(f"{label}\t" + "  ".join(f"{name} {p:.4f}" for name, p in pairs))
    return 0


def build_parser() -> argparse.ArgumentParser:
    # --backend is accepted before or after the subcommand; SUPPRESS keeps the subcommand's
    # parser from overwriting a value given before it with its own default.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--backend", choices=zoo_backend.BACKENDS, default=argparse.SUPPRESS,
                        help="Keras backend (default: $KERAS_BACKEND)")
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show the full traceback of an error (also: ZOO_DEBUG=1)")
    parser = argparse.ArgumentParser(prog="zoo", description="Keras 3 multi-backend applied model zoo.", parents=[common])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("info", parents=[common], help="backend, library versions, devices, data root",
                   epilog="example: zoo info --backend jax")
    publishing = argparse.ArgumentParser(add_help=False)
    publishing.add_argument("--publish", metavar="NAME", default=None,
                            help="copy the finished model to saved_models/NAME.keras with its model card")
    publishing.add_argument("--force", action="store_true",
                            help="with --publish: replace a published model even if it scores better")
    p = sub.add_parser("run", parents=[common, publishing],
                       help="run a recipe from applications/; --key value overrides",
                       epilog="example: zoo run applications/mnist_lenet5_demo.toml --epochs 1")
    p.add_argument("recipe")
    p = sub.add_parser("train", parents=[common, publishing],
                       help="train an application; --key value sets train() arguments",
                       epilog="example: zoo train image_classification --model lenet5 --dataset mnist --epochs 1")
    p.add_argument("application")
    p = sub.add_parser("tune", parents=[common], help="search an application's settings with Optuna, e.g. "
                       "zoo tune image_classification --model lenet5 --epochs 5 --limit 5000 --n-trials 20 "
                       "--sampler tpe --pruner hyperband [--storage URL --study-name NAME]",
                       epilog="example: zoo tune forecasting --model ets --dataset air_passengers --n-trials 4")
    p.add_argument("application")
    p = sub.add_parser("evaluate", parents=[common], help="test-set metrics of a model; --key value sets evaluate() "
                       "arguments", epilog="example: zoo evaluate image_classification --model lenet5_mnist --dataset mnist")
    p.add_argument("application", choices=["image_classification", "sentiment"])
    p = sub.add_parser("predict", parents=[common], help="labels for image files/folders, or sentences from a "
                       "text file or stdin ('-')", epilog="examples: zoo predict lenet5_mnist digit.png digits/ ; "
                       "echo 'a gripping, funny film' | zoo predict textcnn_sst2 -")
    p.add_argument("model", help="a saved model's name, a .keras file or a run folder")
    p.add_argument("inputs", nargs="+", help="image files or folders; a .txt file of sentences, or '-' for stdin")
    p.add_argument("--top-k", type=int, default=1)
    sub.add_parser("forecast", parents=[common], help="fit on a whole series and forecast ahead; --key value sets "
                   "forecasting.forecast() arguments",
                   epilog="example: zoo forecast --model ets --dataset air_passengers --horizon 12")
    sub.add_parser("backtest", parents=[common], help="score several forecasters on held-out data (a leaderboard)",
                   epilog="example: zoo backtest --models naive2,theta,ets --dataset m4_weekly")
    catalog.add_parsers(sub, common)
    deploy.add_parsers(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command not in ("run", "train", "tune", "evaluate", "forecast", "backtest"):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    debug = getattr(args, "debug", False) or bool(os.environ.get("ZOO_DEBUG"))
    try:
        if getattr(args, "backend", None):
            zoo_backend.set_backend(args.backend)
        else:
            zoo_backend.check_requested_backend()
        if args.command == "info":
            return cmd_info(args)
        if args.command == "models":
            return catalog.cmd_models(args)
        if args.command == "datasets":
            return catalog.cmd_datasets(args)
        if args.command == "evaluate":
            return cmd_function(args.application, "evaluate", extra)
        if args.command in ("forecast", "backtest"):
            return cmd_function("forecasting", args.command, extra)
        if args.command == "predict":
            return cmd_predict(args)
        if args.command == "run":
            return cmd_run(args, extra)
        if args.command == "tune":
            return cmd_tune(args, extra)
        if args.command == "export":
            return deploy.cmd_export(args)
        if args.command == "serve":
            return deploy.cmd_serve(args)
        return cmd_train(args, extra)
    except BrokenPipeError:  # `zoo models | head`
        return 0
    except (ZooError, KeyError, ValueError, TypeError, FileNotFoundError, FileExistsError, ImportError,
            NotImplementedError, RuntimeError) as err:
        if debug:
            raise
        message = err.args[0] if isinstance(err, KeyError) and err.args else err
        print(f"zoo: error: {message}\n(--debug shows the full traceback)", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

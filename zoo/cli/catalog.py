"""``zoo models`` and ``zoo datasets``: what the zoo has, described, downloaded and verified."""

from __future__ import annotations

import argparse
import difflib
import inspect
from pathlib import Path

from zoo.errors import ZooValueError

MODELS_EXAMPLE = """examples:
  zoo models                      # every registered model, with the zoo's pretrained tags
  zoo models 'resnet*'            # a wildcard
  zoo models describe lenet5      # reference, builder arguments, parameter count, pretrained weights"""
DATASETS_EXAMPLE = """examples:
  zoo datasets                    # every dataset of the manifest, and whether it is on disk
  zoo datasets describe mnist     # format, source, licence, citation, where it was found
  zoo datasets download mnist     # into the cache ($ZOO_CACHE_DIR), checksum verified
  zoo datasets verify             # sha256 of every dataset on disk against the manifest"""


def add_parsers(sub, common) -> None:
    p = sub.add_parser("models", parents=[common], help="list or describe the registered models",
                       epilog=MODELS_EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("words", nargs="*", metavar="[list|describe] PATTERN_OR_NAME",
                   help="a wildcard to list (default '*'), or 'describe NAME'")
    p.add_argument("--task", default=None)
    p = sub.add_parser("datasets", parents=[common], help="list, describe, download or verify datasets",
                       epilog=DATASETS_EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("action", nargs="?", default="list", choices=["list", "describe", "download", "verify"])
    p.add_argument("names", nargs="*", help="dataset names (verify: default every dataset on disk)")
    p.add_argument("--path", default=None, help="a data root or the dataset's own file/folder")


def _tags_by_model() -> dict[str, list[str]]:
    from zoo import saved_models

    tags: dict[str, list[str]] = {}
    for tag, card in saved_models.pretrained_cards().items():
        tags.setdefault(card["model"], []).append(tag)
    return tags


def cmd_models(args) -> int:
    from zoo.models import list_entries, list_models

    words = list(args.words)
    action = words.pop(0) if words and words[0] in ("list", "describe") else "list"
    if action == "describe":
        if len(words) != 1:
            raise ZooValueError("zoo models describe takes one model name, e.g. `zoo models describe lenet5`.")
        return describe_model(words[0], args.task)
    pattern = words[0] if words else "*"
    entries = list_entries(pattern, task=args.task)
    if not entries:
        close = difflib.get_close_matches(pattern, list_models(task=args.task), n=5, cutoff=0.5)
        hint = f"; did you mean: {', '.join(close)}?" if close else ""
        print(f"no models match {pattern!r}{hint}")
        return 1
    tags = _tags_by_model()
    width = max(len(e.name) for e in entries)
    print(f"{'name':<{width}}  {'task':<11}  {'pretrained':<18}  reference")
    for e in entries:
        print(f"{e.name:<{width}}  {e.task:<11}  {', '.join(tags.get(e.name, [])) or '-':<18}  {e.reference}")
    return 0


def describe_model(name: str, task: str | None) -> int:
    from zoo.models import create_model, get_model_entry

    entry = get_model_entry(name, task)
    print(f"{entry.qualified_name}: {entry.description or entry.builder.__doc__.strip().splitlines()[0]}")
    print(f"reference: {entry.reference or '-'}")
    if entry.forecaster is not None:
        target, defaults = entry.forecaster
        print(f"forecaster: {target} with {defaults or 'its defaults'} "
              f"(zoo.forecasting.create_forecaster({entry.name!r}))")
    params = [f"{n}={p.default!r}" if p.default is not p.empty else n
              for n, p in inspect.signature(entry.builder).parameters.items() if p.kind is not p.VAR_KEYWORD]
    print(f"arguments: {', '.join(params)}")
    try:
        model = create_model(entry.qualified_name)
    except (TypeError, ValueError) as e:
        print(f"parameters: depend on required arguments ({str(e).splitlines()[0][:120]})")
    else:
        if hasattr(model, "count_params"):
            print(f"parameters (default arguments): {model.count_params():,}; input {model.input_shape}, "
                  f"output {model.output_shape}")
    tags = _tags_by_model().get(entry.name, [])
    print(f"pretrained: {', '.join(tags) if tags else '- (none published yet)'}"
          + (f"  (zoo.saved_models.load({tags[0]!r}))" if tags else ""))
    return 0


def cmd_datasets(args) -> int:
    from zoo.datasets.manifest import dataset_info, fetch, locate, manifest

    if args.action == "list":
        entries = manifest()
        width = max(map(len, entries))
        print(f"{'name':<{width}}  {'on disk':<8}  format")
        for name in sorted(entries):
            print(f"{name:<{width}}  {'yes' if _on_disk(name, args.path) else 'no':<8}  "
                  f"{entries[name].get('format', '')[:90]}")
        return 0
    names = args.names
    if args.action == "verify" and not names:
        names = [n for n in sorted(manifest()) if _on_disk(n, args.path)]
    if not names:
        raise ZooValueError(f"zoo datasets {args.action} needs a dataset name, e.g. `zoo datasets {args.action} mnist`.")
    if args.action == "describe":
        for name in names:
            entry = dataset_info(name)
            for key in ("format", "url", "license", "citation", "checksum_of"):
                if entry.get(key):
                    print(f"{key}: {entry[key]}")
            found = _on_disk(name, args.path)
            print(f"on disk: {found or 'no (zoo datasets download ' + name + ')'}")
        return 0
    if args.action == "download":
        for name in names:
            path = locate(name, args.path, download_missing=False) if _on_disk(name, args.path) else fetch(name)
            print(f"{name}: {path}")
        return 0
    bad = 0
    for name in names:
        status = verify(name, args.path)
        bad += status.startswith("MISMATCH") or status.startswith("missing")
        print(f"{name}: {status}")
    return 1 if bad else 0


def _on_disk(name: str, path=None):
    from zoo.datasets.manifest import locate
    from zoo.errors import DataNotFoundError

    try:
        return locate(name, path, download_missing=False)
    except DataNotFoundError:
        return None


def verify(name: str, path=None) -> str:
    """``ok``, ``MISMATCH ...``, ``missing ...`` or why there is nothing to check, for one dataset."""
    from zoo.datasets.download import sha256sum
    from zoo.datasets.manifest import dataset_info

    entry = dataset_info(name)
    found = _on_disk(name, path)
    if found is None:
        return "missing (not on disk)"
    sums = entry.get("sha256")
    if not sums:
        return f"no checksum in the manifest ({found})"
    if found.name != Path(entry["path"]).name:
        return f"found an alternative copy {found.name}; the manifest's checksum is of {entry['path']}, not comparable"
    if isinstance(sums, str):
        if found.is_dir():
            return f"checksum is of the downloaded archive; {found} is already extracted"
        got = sha256sum(found)
        return "ok" if got == sums else f"MISMATCH: {found} has sha256 {got[:16]}..., the manifest {sums[:16]}..."
    wrong = []
    for file, want in sums.items():
        target = found / file if found.is_dir() else found
        if not target.exists():
            return f"missing {target}"
        if sha256sum(target) != want:
            wrong.append(file)
    return "ok" if not wrong else f"MISMATCH in {', '.join(wrong)}"

"""Census of the bad-input catalogue (``tests/test_bad_inputs.py``) against any checkout of the zoo.

Each Python case is run and sorted into:

* clear: the zoo's own error type (``ZooError``) with the message the catalogue expects
  (it names the argument, what was expected, what was received and the fix);
* clear, built-in type: the expected message, but a bare ``ValueError``/``TypeError``/...;
* unclear: another error or message (a library's internals, a traceback without the argument);
* silently wrong: no error at all;
* n/a: the checkout lacks the feature the case calls (module or function missing).

    python benchmarks/bad_input_census.py                       # this checkout
    git worktree add /tmp/zoo-before aac119a~1
    python benchmarks/bad_input_census.py --zoo /tmp/zoo-before # the same catalogue against an older zoo
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import json
import re
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--zoo", default=str(HERE), help="the checkout whose zoo package is tested (default: this one)")
    parser.add_argument("--out", default=None, help="write the per-case outcomes as JSON here")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(args.zoo).resolve()))
    import zoo

    assert Path(zoo.__file__).resolve().parents[1] == Path(args.zoo).resolve(), zoo.__file__
    try:
        from zoo.errors import ZooError
    except ImportError:
        ZooError = ()  # noqa: N806  (an old checkout without it)
    spec = importlib.util.spec_from_file_location("catalogue", HERE / "tests" / "test_bad_inputs.py")
    catalogue = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(catalogue)

    outcomes = {}
    for name, (fn, error, match) in catalogue.CASES.items():
        with tempfile.TemporaryDirectory() as tmp:
            try:
                fn(Path(tmp))
            except (ImportError, AttributeError) as err:
                outcomes[name] = ("n/a", f"{type(err).__name__}: {err}")
                continue
            except BaseException as err:  # noqa: BLE001  (sorting every outcome is the point)
                text = str(err)
                expected = isinstance(err, error) and re.search(match, text)
                if expected and ZooError and isinstance(err, ZooError):
                    kind = "clear"
                elif expected:
                    kind = "clear, built-in type"
                else:
                    kind = "unclear"
                outcomes[name] = (kind, f"{type(err).__name__}: {text[:200]}")
                continue
            outcomes[name] = ("silently wrong", "no error")
    counts = collections.Counter(kind for kind, _ in outcomes.values())
    for name, (kind, detail) in outcomes.items():
        if kind != "clear":
            print(f"{kind:<22} {name}: {detail[:160]}")
    print(json.dumps({"zoo": args.zoo, "cases": len(outcomes), "counts": dict(counts)}, indent=2))
    if args.out:
        Path(args.out).write_text(json.dumps({"zoo": args.zoo, "counts": dict(counts),
                                              "cases": {k: list(v) for k, v in outcomes.items()}}, indent=2) + "\n")


if __name__ == "__main__":
    main()

"""Run the whole pytest suite once per Keras backend, each in its own process.

Usage: python scripts/test_backends.py [pytest args...]
Prints a per-backend summary and exits non-zero if any backend failed.
Set ZOO_TEST_BACKENDS=jax,torch to run fewer.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

BACKENDS = [b for b in os.environ.get("ZOO_TEST_BACKENDS", "jax,torch,tensorflow").split(",") if b]


def main(argv: list[str]) -> int:
    results = []
    for backend in BACKENDS:
        env = dict(os.environ, KERAS_BACKEND=backend, PYTHONUNBUFFERED="1")
        cmd = [sys.executable, "-m", "pytest", "-m", "not slow and not bench", "-p", "no:cacheprovider", *argv]
        print(f"\n===== KERAS_BACKEND={backend}: {' '.join(cmd[1:])}", flush=True)
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        last = ""
        for line in proc.stdout:
            sys.stdout.write(line)
            if re.search(r"\d+ (passed|failed|error)", line):
                last = line.strip().strip("= ")
        code = proc.wait()
        # pytest's exit 5 means "no tests collected": that is a failure here.
        results.append((backend, code, time.perf_counter() - start, last))
    print("\n===== per-backend summary")
    for backend, code, wall, last in results:
        status = "PASS" if code == 0 else f"FAIL (exit {code})"
        print(f"{backend:<11} {status:<14} {wall:7.1f}s  {last}")
    failed = [b for b, code, _, _ in results if code != 0]
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

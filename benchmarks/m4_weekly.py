"""M4 Weekly: ``benchmarks/m4.py --frequency weekly`` (kept for the commands in README and the notes)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from m4 import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["--frequency", "weekly", *sys.argv[1:]]))

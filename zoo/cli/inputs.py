"""What ``zoo predict`` reads: image files and folders, or sentences from text files, arguments or stdin."""

from __future__ import annotations

import sys
from pathlib import Path

from zoo.errors import ZooFileNotFoundError, ZooValueError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp")


def read_inputs(kind: str, items: list[str]) -> tuple[list[str], list]:
    """``(labels, inputs)``: a label to print per input (a file name or the sentence) and the inputs."""
    if kind == "image":
        paths = []
        for item in items:
            p = Path(item)
            if item == "-":
                raise ZooValueError("zoo predict reads images from files or folders, not stdin; give their paths.")
            if p.is_dir():
                found = sorted(f for f in p.rglob("*") if f.suffix.lower() in IMAGE_SUFFIXES)
                if not found:
                    raise ZooFileNotFoundError(f"The folder {p} holds no image files ({', '.join(IMAGE_SUFFIXES)}).")
                paths += found
            elif p.is_file():
                paths.append(p)
            else:
                raise ZooFileNotFoundError(f"The input {item!r} is neither an image file nor a folder.")
        return [str(p) for p in paths], [str(p) for p in paths]
    texts = []
    for item in items:
        if item == "-":
            texts += [line.strip() for line in sys.stdin if line.strip()]
        elif Path(item).is_file():
            texts += [line.strip() for line in Path(item).read_text(encoding="utf-8").splitlines() if line.strip()]
        elif item.endswith(".txt"):
            raise ZooFileNotFoundError(f"The input file {item!r} does not exist (give a .txt file of sentences, "
                                    f"one per line, '-' for stdin, or the sentence itself in quotes).")
        else:
            texts.append(item)
    if not texts:
        raise ZooValueError("zoo predict got no sentences: the files or stdin were empty.")
    return texts, texts

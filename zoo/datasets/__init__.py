"""Dataset lookup (explicit path > ZOO_DATA_DIR > cache), safe downloads, and loaders.

Example:
    >>> from zoo.datasets import locate
    >>> locate("mnist")  # e.g. PosixPath('../shared/datasets/mnist.npz')
"""

from zoo.datasets.download import download, safe_extract, sha256sum
from zoo.datasets.manifest import dataset_info, fetch, locate, manifest
from zoo.datasets.root import cache_dir, data_dir, search_dirs

__all__ = [
    "cache_dir", "data_dir", "dataset_info", "download", "fetch", "locate",
    "manifest", "safe_extract", "search_dirs", "sha256sum",
]

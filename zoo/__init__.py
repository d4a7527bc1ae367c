"""zoo: a Keras 3 multi-backend applied model zoo.

Importing ``zoo`` does not import Keras, so a backend can still be chosen
(``zoo.backend.set_backend`` or the CLI's ``--backend``) after ``import zoo``.

Example:
    >>> import zoo
    >>> zoo.backend.set_backend("torch")
    >>> from zoo.models import create_model
    >>> model = create_model("lenet5")
"""

__version__ = "0.1.0"

import os as _os

# TensorFlow's C++ start-up chatter buries the zoo's own output; users can set it back to 0.
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from zoo import backend  # noqa: E402  (no Keras import happens here)


def export(source, format: str = "onnx", output=None, atol: float = 1e-4):
    """Export a saved model, ``.keras`` file or run folder; see :func:`zoo.deploy.export` (imports Keras).

    Example:
        >>> zoo.export("lenet5_mnist", format="onnx", output="exports/lenet5").max_abs_diff
    """
    from zoo.deploy import export as export_

    return export_(source, format=format, output=output, atol=atol)


__all__ = ["backend", "export", "__version__"]

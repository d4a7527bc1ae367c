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

__all__ = ["backend", "__version__"]

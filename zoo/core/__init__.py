"""The run core: one Task interface and one run loop for every application.

Layers, bottom to top (a module imports only from layers below it; ``tests/test_layers.py`` checks)::

    zoo.errors, zoo.backend                    shared errors, backend selection
    zoo.core.io                                atomic files (JSON, .keras)
    zoo.datasets, zoo.text, zoo.models         data loaders, tokenizers, Keras builders + the registry
    zoo.forecasting                            the forecaster contract, statistical and deep forecasters
    zoo.core (task, runner, publish, ...)      the Task interface, the run loop, run folders, model cards
    zoo.tasks                                  one Task per application (image, text, forecasting, embeddings)
    zoo.applications, zoo.cli                  the public facades and the ``zoo`` command
"""

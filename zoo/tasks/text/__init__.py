"""The text-classification task and its batching and transfer helpers."""

from zoo.tasks.text.task import TextClassification

__all__ = ["TextClassification"]

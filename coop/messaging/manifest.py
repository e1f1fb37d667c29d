"""The outbox: its table only; delivery runs from the scheduler."""
from ..manifest import Manifest
from . import models  # noqa: F401  (its table in the metadata)

manifest = Manifest(name="messaging")

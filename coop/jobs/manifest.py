"""The daily-job runner: its table only; the jobs themselves come from the other manifests."""
from ..manifest import Manifest
from . import models  # noqa: F401  (its table in the metadata)

manifest = Manifest(name="jobs")

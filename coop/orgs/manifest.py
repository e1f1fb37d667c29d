"""Organizations and their settings: read by every package, plugging in nothing."""
from ..manifest import Manifest
from . import models  # noqa: F401  (its tables in the metadata)

manifest = Manifest(name="orgs")

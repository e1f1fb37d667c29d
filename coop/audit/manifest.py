"""The audit trail plugs in nothing but its table."""
from ..manifest import Manifest
from . import models  # noqa: F401  (its table in the metadata)

manifest = Manifest(name="audit")

"""Her own data: the export and correction requests (pages and API)."""
from ..manifest import Manifest
from . import api, models, views  # noqa: F401  (models: its table in the metadata)

manifest = Manifest(name="privacy", blueprints=(views.bp, api.bp))

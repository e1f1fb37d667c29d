"""The daily-job runner: its table, and a dashboard tile when a job has stopped; the jobs themselves come from
the other manifests."""
from ..auth.access import READERS
from ..manifest import ORG_KINDS, DashboardTiles, Manifest
from . import models  # noqa: F401  (its table in the metadata)
from . import views

manifest = Manifest(name="jobs", dashboard=(DashboardTiles(READERS, ORG_KINDS, views.dashboard_tiles),))

"""Official receipts: their pages."""
from ..manifest import Manifest
from . import views

manifest = Manifest(name="receipts", blueprints=(views.bp,))

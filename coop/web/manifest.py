"""The shared pages: the start page and the organization's dashboard."""
from ..manifest import Manifest
from . import home

manifest = Manifest(name="web", blueprints=(home.bp,))

"""The audit trail plugs in nothing but its table."""
from ..manifest import Manifest
from . import models  # noqa: F401  (its table in the metadata)
from .cli import audit

manifest = Manifest(name="audit", commands=(audit,))

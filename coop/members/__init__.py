"""Members of a cooperative and their share capital."""


def register(app) -> None:
    from ..web.registry import add_party_resolver
    from . import models, services  # noqa: F401

    add_party_resolver(services.parties_of_user)

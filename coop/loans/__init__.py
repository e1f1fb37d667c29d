"""Loans: commodity and emergency loans, from application to the last centavo."""


def register(app) -> None:
    pass

"""Loans: commodity and emergency loans, from application to the last centavo."""

"""The one double-entry ledger every peso goes through.

models, records, checks and services import no Flask and no other domain; views and api are its edge.
"""

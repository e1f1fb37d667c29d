"""Consignment selling and commissions: principals (Avon, Natasha) and member-producers."""

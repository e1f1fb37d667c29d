"""Interchange: the books out to Odoo (files and push) and a cooperative's books in (imports)."""

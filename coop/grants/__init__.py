"""Livelihood grants: beneficiaries, readiness, business plans, MOAs, tranches, monitoring."""

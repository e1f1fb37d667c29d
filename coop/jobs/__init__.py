"""Scheduled jobs: daily jobs per organization that catch up missed days in order, run by APScheduler."""

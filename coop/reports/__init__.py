"""Financial reports over the ledger, each as a page, JSON, CSV and PDF."""

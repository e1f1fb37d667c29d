"""The shared pages: start page, the organization's dashboard."""

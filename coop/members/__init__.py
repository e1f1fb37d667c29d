"""Members of a cooperative and their share capital."""

"""Organizations (a cooperative, an NGO) and their policy settings."""

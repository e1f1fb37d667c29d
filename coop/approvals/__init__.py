"""Maker-checker: commands that one person asks for and a different person, with the right role, decides."""

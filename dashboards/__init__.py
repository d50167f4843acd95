"""Solara pages of the live dashboard."""

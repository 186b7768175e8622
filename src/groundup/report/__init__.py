"""Figures and Markdown reports of runs."""

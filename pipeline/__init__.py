"""Reporting cycle of a National Action Plan on Women, Peace and Security."""

__version__ = "0.1.0"

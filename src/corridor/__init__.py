"""Secure Corridor: security cooperation along transnational infrastructure corridors."""

__version__ = "0.1.0"

"""Willkommen: software for the welcome services inside German immigration offices."""

"""Certificate services: every change to certificates goes through these functions."""

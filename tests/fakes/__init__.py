"""Test doubles for external systems (FreeSWITCH's event socket, ...)."""

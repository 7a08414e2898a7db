"""Defaults that both the server's settings and the light CLI entry point name."""

DEFAULT_PORT = 8080

"""Tools for testers and designers on top of twofa_fsm: the world model, scenarios, the CLI.

This package drives the library's public API only; the library never imports it.
"""

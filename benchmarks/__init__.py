"""Benchmarks for twofa-fsm: side-by-side ratios against peers and the floor (``make bench``).

Never part of ``make test``; ``tests/bench`` only checks that this code runs.
"""

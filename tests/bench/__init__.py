"""Benchmarks of the connectors (not tests: they measure and print tables).

``harness`` is shared by the benchmarks and ``tools/demo.py``: Odoo opened
in-process, queue jobs performed the way a worker performs them, memory
measurement, sandbox statistics.  See ``README.rst``.
"""

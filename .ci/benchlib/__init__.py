"""The pieces of `make bench` (.ci/bench.py): settings, database, server, measurements,
scenarios, report."""

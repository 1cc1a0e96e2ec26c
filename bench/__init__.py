"""Benchmarks (`make bench`): throughput and latency against large generated data, reported as ratios to a
bare Django view. Never part of the test suite; `make bench-smoke` runs them small in CI so they keep
working."""

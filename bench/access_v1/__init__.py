"""The access-log reader and checks as they were before the set-based rewrite (commit ba505b0), kept only as
the benchmark baseline of bench/bench_access.py: same breaches, measured in the same run."""

"""Load benchmark of the answering-rule endpoints (run with ``python -m benchmarks.run_load``)."""

"""Province-scale benchmark suite ("PSW" workload, DuckDB reference, harness behind `bqw bench`).

Modules: `workload` (deterministic generator over the real Guangdong hierarchy, Parquet export),
`reference` (hand-written DuckDB queries: the near-limit of the machine), `harness` (timing, machine
facts, Markdown/JSON output), `runner` (what `bqw bench` runs).
"""

"""Enablement at scale: 50,000 learners, 500 courses and 2,000,000 lesson completions (by default), then the
catalogue and progress pages' query counts (which must not grow with the data) and quiz submissions per second.

`generate` writes the data set-based (INSERT … SELECT over generate_series; COPY is refused on tables under
row-level security); `measure` measures and holds the command line (`python -m bench.enablement`).
"""

"""Tiering at scale: the nightly recalculation of every partner's tier (by default 10,000 partners, 1,000,000 deal
registrations and 50,000 certification awards; again at 100,000 partners to show growth is at most linear).

For each scale: wall time of the recalculation, its peak Python memory (tracemalloc, a separate run), its queries,
and the floor — one raw SQL aggregation of the same rows (won revenue and deals, valid certifications per partner)
— with the ratio to it. `generate` writes the data set-based (COPY through a temporary table, INSERT … SELECT);
`measure` holds the command line (`python -m bench.tiering`) and the hook `make bench` calls.
"""

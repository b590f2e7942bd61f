"""The pure core: no I/O, no clock; normalising, credits, pages, matching, queries."""

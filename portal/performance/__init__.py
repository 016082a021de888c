"""The public performance figures (公开晾晒): timeliness, complaints and ratings per center,
department, service item and month, computed by SQL aggregates (see docs/performance.md)."""

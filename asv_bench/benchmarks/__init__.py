"""asv benchmarks for sklime (see ``doc/performance.rst``)."""

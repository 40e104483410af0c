"""The equivalence engine: Spanish-aware text analysis, unit alignment, verdicts and mappings."""

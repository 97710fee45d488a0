"""Analytics behind the reports, one module per subject (returns, baskets, ...)."""

"""One module per measurement; each has NAME and measure(ctx)."""

"""What every blueprint may use and none owns: labels, forms and their checks, permissions."""

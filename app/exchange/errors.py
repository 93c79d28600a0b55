"""The error of a file that cannot be imported at all (nothing is written)."""


class ImportFileError(ValueError):
    """A whole file refused: too large, not UTF-8, invalid JSON, no usable column..."""

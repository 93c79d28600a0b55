"""The one place that creates, changes, decides on and merges initiatives."""

# Imported with the package, so no session commits an initiative without its stored feature.
from app.initiatives import stored_features  # noqa: F401

"""The one place that creates, changes, decides on and merges initiatives."""

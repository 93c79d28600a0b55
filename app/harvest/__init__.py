"""Harvesting: sources that Maillage fetches again and again, and what it does with them."""

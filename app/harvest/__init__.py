"""Harvesting: sources re-fetched on a schedule (their settings, schedule and fetching).

Reading what a source serves into entries is the importer's work (app.exchange.harvest_*):
the same parsing, mapping and duplicate detection as an uploaded file.
"""

"""What the migrations build beside the model, which autogenerate must neither drop nor add:
the spatial side of each dialect, the list's sort keys and expression indexes, the data
version, the map's cell totals."""

# data_versions: bumped by triggers, read by app.initiatives.data_versions; map_cells: kept
# by triggers, read by app.geo.cell_totals.
UNMAPPED_TABLES = ("initiatives_rtree", "spatial_ref_sys", "data_versions", "map_cells")
# Computed by the database (the PostGIS point, the list's sort keys).
UNMAPPED_COLUMNS = {("initiatives", "geom"), ("initiatives", "sort_name"),
                    ("initiatives", "commune_sort"), ("initiatives", "map_column"),
                    ("initiatives", "map_row")}
UNMAPPED_INDEXES = {"ix_initiatives_geom", "ix_initiatives_sort_name",
                    "ix_initiatives_sort_commune", "ix_initiatives_sort_updated",
                    "ix_initiatives_website_lower", "ix_initiatives_map_cells"}


def include_object(object, name, type_, reflected, compare_to):  # noqa: A002 - Alembic's name
    """Tell autogenerate whether it may compare this table, column or index."""
    if type_ == "table" and name.startswith(UNMAPPED_TABLES):
        return False
    if type_ == "column" and (object.table.name, name) in UNMAPPED_COLUMNS:
        return False
    if type_ == "index" and name in UNMAPPED_INDEXES:
        return False
    return True

"""Console pages (station registry, coverage) and worker H5 pages (map, station, check-in)."""

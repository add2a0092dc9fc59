"""zhaoshang loaders: read sources into typed nodes and relations with provenance."""

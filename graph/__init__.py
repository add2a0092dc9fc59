"""zhaoshang graph layer: the schema (node and relation kinds) and the stores."""

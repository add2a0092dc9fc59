"""zhaoshang loaders: read sources into typed nodes and relations with provenance.

:mod:`loaders.public` reads the public datasets, :mod:`loaders.office` the tables an
office keeps; both resolve firms with :mod:`resolve`. Shared here: :mod:`loaders.report`
(load reports) and :mod:`loaders.confidence` (source confidence defaults).
"""

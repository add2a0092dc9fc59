"""The office-table pipeline: the tables an investment-promotion office keeps.

Two entry points: :mod:`~loaders.office.table_loader` (any file or folder, any format,
headers mapped to fields) and :mod:`~loaders.office.csv_folder` (the zhaoshang CSV
folder layout of ``examples/demo``, described in :mod:`~loaders.office.csv_layout`).
On the way: :mod:`~loaders.office.readers` (formats → sheets of cells),
:mod:`~loaders.office.mapping` (headers → fields), :mod:`~loaders.office.rows`
(CSV rows and the row error), :mod:`~loaders.office.values` (cell parsers),
:mod:`~resolve.codes` (USCC and LEI checks), :mod:`~loaders.office.node_rows`
(rows → nodes), :mod:`~loaders.office.link_rows` (relation and cluster rows → relations),
:mod:`~loaders.office.relations` (a relation's endpoint kinds and cell formats) and
:mod:`~loaders.office.templates` (fill-in templates, the report workbook).
"""

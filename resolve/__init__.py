"""zhaoshang entity resolution: which firm a mention names, and why.

Used by the loaders (while a load runs) and by the queries (to find the firm a user
typed); it imports neither. Modules:

:mod:`resolve.normalise`
    Matching keys: cleaned text, name keys, stock codes, role lists.
:mod:`resolve.names`
    Firm names taken apart: region, 字号, industry, legal form, group, branch
    (place-name tables in ``resolve/data/``).
:mod:`resolve.index`
    :class:`~resolve.index.CompanyIndex`: a mention → a firm, in evidence order.
:mod:`resolve.decisions`
    The resolution log beside each graph file: decisions, conflicts, judgements.
:mod:`resolve.evaluate`
    Precision and recall on the hand-labelled pairs of ``tests/fixtures/resolution/``.
"""

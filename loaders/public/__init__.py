"""Readers of the public datasets of ``../shared/data``, one module per dataset.

:mod:`~loaders.public.load` loads them all in dependency order;
:mod:`~loaders.public.batching` holds the line readers and batched writes they share,
:mod:`~loaders.public.linking` the name linking of the news and ranking datasets.
"""

"""Source confidence defaults, one table for every loader.

A relation's ``confidence`` multiplies its tie strength in referral paths
(``queries/ties.toml``). Values are ordinal judgements of source quality, highest for
what a person checked:

========================  =====  ====================================================
source                    conf.  why
========================  =====  ====================================================
hand-curated (user file)  1.00   the office's own records
exchange/registry data    0.90   a-share-2025 controllers, executives-2018 rosters
rule-extracted tables     0.70   chain-kg firm→product and product links (noisy)
expert-checked extraction 0.75   ickg25 ``annotated_samples.jsonl`` marked correct
LLM news extraction       0.60   ickg25 triples (2025 news and patents)
older news extraction     0.50   finre (2008–2017 news sentences)
========================  =====  ====================================================
"""

from __future__ import annotations

CURATED = 1.0
REGISTRY = 0.9
RULE_EXTRACTED = 0.7
EXPERT_CHECKED = 0.75
NEWS_LLM = 0.6
NEWS_OLD = 0.5

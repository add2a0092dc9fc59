"""Precision and recall of entity resolution on hand-labelled pairs.

The labelled pairs live in ``tests/fixtures/resolution/`` (drawn from the public data,
each with the labeller's reasoning):

``firm_pairs.csv``
    ``pair_id, category, mention_dataset, mention_where, mention_name, firm_code,
    firm_name, label, reasoning`` — does ``mention_name`` as written in that dataset
    name the A-share firm ``firm_code``? (``same`` / ``not_same``)
``person_pairs.csv``
    ``pair_id, name, left_kind, left_id, left_firm_code, right_kind, right_id,
    right_firm_code, label, reasoning`` — are two person mentions (``executive`` by
    person_id, ``controller`` by name and controlled firm) one person?

The prediction is what the load did: a firm pair is predicted *same* when the load's
decision for ``(mention_dataset, mention_name)`` linked the mention to
``Company:<firm_code>`` (a mention the load never met, e.g. a chain-kg legal name, is
resolved by :meth:`CompanyIndex.resolve` on the loaded index); a person pair when both
mentions are one node of the loaded graph.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from graph.ids import node_id
from graph.schema import NodeKind, RelKind
from graph.store import Store
from resolve.index import CompanyIndex, company_id_for_code


@dataclass
class Scores:
    """Confusion counts of one category (or all); precision and recall from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, label: bool, predicted: bool, pair_id: str) -> None:
        """Count one pair; a wrong prediction is kept in :attr:`errors` by its id."""
        if label and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
            self.errors.append(f"{pair_id} false merge")
        elif label:
            self.fn += 1
            self.errors.append(f"{pair_id} missed")
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        """TP / (TP + FP); 1.0 when nothing was predicted same."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """TP / (TP + FN); 1.0 when no pair is labelled same."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def pairs(self) -> int:
        """Pairs counted."""
        return self.tp + self.fp + self.fn + self.tn


Predict = Callable[[str, str, str], str | None]


def firm_predictor(index: CompanyIndex) -> Predict:
    """``(dataset, where, mention) → linked firm id or None`` from a load's decisions.

    ``where`` is ``folder/file:line``; decisions recorded per file (the rankings) are
    looked up under ``dataset/file`` first.

    Parameters
    ----------
    index : CompanyIndex
        The index a load used (its ``decisions``) and that holds the loaded firms.
    """

    def predict(dataset: str, where: str, mention: str) -> str | None:
        file = where.split(":")[0].split("/")[-1]
        decision = index.decisions.get((f"{dataset}/{file}", mention))
        decision = decision or index.decisions.get((dataset, mention))
        match = decision.match if decision is not None else index.resolve(mention)
        return match.firm

    return predict


def score_firm_pairs(path: Path, predict: Predict) -> dict[str, Scores]:
    """Score every firm pair of ``path``; returns ``{category: Scores, "all": Scores}``."""
    out: dict[str, Scores] = defaultdict(Scores)
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            linked = predict(row["mention_dataset"], row["mention_where"], row["mention_name"])
            predicted = linked == company_id_for_code(row["firm_code"])
            label = row["label"] == "same"
            for key in (row["category"], "all"):
                out[key].add(label, predicted, row["pair_id"])
    return dict(out)


def score_person_pairs(path: Path, store: Store) -> dict[str, Scores]:
    """Score the person pairs of ``path`` against the loaded graph ``store``.

    An ``executive`` mention is the node ``Person:exec2018:<id>``; a ``controller``
    mention is the person CONTROLLING ``Company:<firm code>`` under that name.
    """
    out: dict[str, Scores] = defaultdict(Scores)
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            left = _person(store, row["left_kind"], row["left_id"], row["left_firm_code"])
            right = _person(store, row["right_kind"], row["right_id"], row["right_firm_code"])
            predicted = left is not None and left == right
            label = row["label"] == "same"
            kind = f"{row['left_kind']}-{row['right_kind']}"
            for key in (kind, "all"):
                out[key].add(label, predicted, row["pair_id"])
    return dict(out)


def _person(store: Store, kind: str, ident: str, code: str) -> str | None:
    if kind == "executive":
        return node_id(NodeKind.PERSON, "exec2018", ident)
    firm = company_id_for_code(code)
    for rel, other in store.neighbours(firm, [RelKind.CONTROLS], "in"):
        node = store.get_node(other)
        if node is not None and node.kind is NodeKind.PERSON and node.name == ident:
            return rel.src
    return None

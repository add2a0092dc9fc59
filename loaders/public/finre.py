"""Loader for FinRE: company-to-company ties from Sina Finance news sentences (2008–2017).

Source: ``finre/`` (thunlp/Chinese_NRE, ``data/FinRE``; MIT). Files ``train.txt``,
``valid.txt`` and ``test.txt``, one record per line, tab-separated, blank lines between
records:

``head<TAB>tail<TAB>relation<TAB>sentence``

Names are as written in the news, mostly short names (工行, 中铝). Relations come in
directional pairs (持股 / 被持股: the 被 form reads tail → head) and every record is
written twice, once from each side, so one tie carries (at least) two rows.

Only ties between actors are loaded (:data:`TIES`); :data:`NOT_TIES` lists the other
relations and why they are skipped.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from graph.ids import new_relation
from graph.schema import SYMMETRIC_KINDS, Relation, RelKind, Source
from graph.store import Store
from loaders.confidence import NEWS_OLD
from loaders.public.as_of import AS_OF
from loaders.public.directions import news_label, orient
from loaders.public.linking import NameLinker, write
from loaders.report import Issue, LoadReport
from resolve.index import CompanyIndex, company_id_for_name
from resolve.normalise import clean_text

DATASET = "finre"
SPLITS = ("train.txt", "valid.txt", "test.txt")
PASSIVE = "被"

#: FinRE relation (active form; its 被 form is the same tie read backwards) → kind,
#: in label precedence order within a kind (the strongest word names the tie).
#: Directions from the sentences: 持股/拥有/入股/增持/注资 shareholder → firm (美国运通
#: 持股 工行, 小天鹅集团 拥有 小天鹅); 成立 founder → founded firm (阿里巴巴集团 成立 蚂蚁
#: 金融服务集团), an owner at founding; 收购/拟收购 acquirer → target (双汇国际 拟收购
#: 史密斯菲尔德); 借壳 the firm listing through a shell → the listed shell, whose
#: control it takes (三湘股份 借壳 *ST商务: "三湘股份借壳*ST商务上市"). 订单 (orders) is
#: written both ways for every sentence (A 订单 B and B 订单 A) and the sentences name
#: suppliers on either side (牛奶集团 supplies 光明乳业; 华电国际 buys from 银星煤矿), so
#: the data cannot give a supplier → customer direction: it is a symmetric
#: PARTNERS_WITH with label 订单, like 合资, 签约 and 合作.
TIES: dict[str, RelKind] = {
    "拥有": RelKind.OWNS,
    "持股": RelKind.OWNS,
    "入股": RelKind.OWNS,
    "增持": RelKind.OWNS,
    "注资": RelKind.OWNS,
    "成立": RelKind.OWNS,
    "收购": RelKind.ACQUIRED,
    "借壳": RelKind.ACQUIRED,
    "拟收购": RelKind.ACQUIRED,
    "合资": RelKind.PARTNERS_WITH,
    "订单": RelKind.PARTNERS_WITH,
    "签约": RelKind.PARTNERS_WITH,
    "合作": RelKind.PARTNERS_WITH,
}
_PRECEDENCE = {rel: i for i, rel in enumerate(TIES)}

#: FinRE relations that are not ties (active forms; 被 forms follow), with the reason.
NOT_TIES: dict[str, str] = {
    "unknown": "未说明关系",
    "自己": "同一企业的两个名称",
    "竞争": "竞争对手，不是关系",
    "纠纷": "纠纷，不是关系",
    "分析": "分析师评论",
    "发行": "证券发行（承销），不是企业间的关系",
    "交易": "一次性交易",
    "商讨": "仅在商讨",
    "帮助": "帮助或支持，太笼统，不算关系",
    "欠款": "欠款，不是关系",
    "转让": "双方之间转让资产或股份，关系方向不明",
    "重组": "重组，两个方向都有记载：无方向",
    "合并": "合并，两个方向都有记载：不知收购方",
    "减持": "减持或出售股份：关系正在结束",
    "买资": (
        "a purchase of assets from the other firm (联想 买资 IBM: the x86 server "
        "business), not ownership of it"
    ),
}


@dataclass
class _Evidence:
    sources: list[Source] = field(default_factory=list)
    labels: set[str] = field(default_factory=set)


def load(data_dir: Path, store: Store, index: CompanyIndex) -> LoadReport:
    """Load the firm-to-firm ties of FinRE into ``store``.

    Parameters
    ----------
    data_dir : Path
        The ``finre`` folder.
    store : Store
        Target store; nodes are upserted before relations, in batches.
    index : CompanyIndex
        Firms known so far; extended with every new Company written here.

    Returns
    -------
    LoadReport
        ``rows_read`` counts the non-blank lines of the three splits. Issues:

        - ``not_a_tie`` (warning, row 0): one per split and skipped relation
          (:data:`NOT_TIES`), with the row count and the reason;
        - ``unknown_relation`` (error): a relation in neither table;
        - ``malformed_row`` (error): not four tab-separated fields;
        - ``empty_name`` (error): a blank head or tail;
        - ``self_loop`` (error): head and tail are one firm;
        - ``stale_index`` (warning): the index named a firm missing from the store;
        - ``direction_conflict`` (warning): a relation registry facts contradict,
          reversed or dropped (:func:`loaders.public.directions.orient`);
        - ``missing_file`` (warning): a split is absent.

    Notes
    -----
    Relations: :data:`TIES`, with the 被 form reversed, so ``A 持股 B`` and ``B 被持股 A``
    are one OWNS relation A → B with both rows as sources (PARTNERS_WITH endpoints are in
    id order, so both orders of 合作 are one relation too). ``label`` is the relation's
    active form, the strongest by :data:`TIES` order when a pair has several (拥有 over
    持股, 收购 over 拟收购, 合资 over 合作). ``confidence`` ``NEWS_OLD`` (0.5); ``since``
    and ``until`` stay unset, as the news dates are not in the data. Nodes: names link
    through ``index.resolve`` (decisions recorded; a 分公司 gets BRANCH_OF); the others
    become Company nodes named as written, sourced to the first row naming them. The
    sentences are not stored. Linear in the number of rows (under a second for 18,702).
    """
    report = LoadReport(dataset=DATASET)
    linker = NameLinker(store, index, DATASET)
    evidence: dict[tuple[RelKind, str, str], _Evidence] = {}
    skipped: Counter[tuple[str, str]] = Counter()
    for split in SPLITS:
        path = data_dir / split
        if not path.is_file():
            report.add(Issue(split, 0, "", "missing_file", f"找不到 {path}", "warning"))
            continue
        with path.open(encoding="utf-8-sig") as fh:
            lines = fh.read().split("\n")  # not splitlines: U+2028 may occur in sentences
        for row, raw in enumerate(lines, 1):
            line = raw.rstrip("\r")
            if not line.strip():
                continue
            report.rows_read += 1
            issue = _add_row(line, Source(dataset=DATASET, file=split, row=row), linker, evidence)
            if isinstance(issue, str):
                skipped[(split, issue)] += 1
            elif issue is not None:
                report.add(issue)
    for (split, rel), count in sorted(skipped.items()):
        reason = NOT_TIES[rel.removeprefix(PASSIVE)]
        message = f"{rel!r} 的 {count} 行已跳过：{reason}"
        report.add(Issue(split, 0, "relation", "not_a_tie", message, "warning"))
    for name in sorted(linker.stale):
        message = f"{name!r} 对齐到的企业不在图谱中；分开保留"
        report.add(Issue(SPLITS[0], 0, "name", "stale_index", message, "warning"))

    rels = [_relation(key, ev) for key, ev in sorted(evidence.items())]
    rels = orient(rels, store, linker.spelled, index, report)
    rels += linker.branch_relations()
    write(store, index, report, linker.new_companies(), rels)
    return report


def _add_row(
    line: str,
    src: Source,
    linker: NameLinker,
    evidence: dict[tuple[RelKind, str, str], _Evidence],
) -> Issue | str | None:
    """Record one row; return an issue, the relation when it is not a tie, or None."""
    file, row = src.file, src.row
    parts = line.split("\t")
    if len(parts) != 4:
        message = f"应有 4 个制表符分隔的字段，实有 {len(parts)} 个"
        return Issue(file, row, "", "malformed_row", message)
    head, tail, rel = clean_text(parts[0]), clean_text(parts[1]), clean_text(parts[2])
    active = rel.removeprefix(PASSIVE)
    kind = TIES.get(active)
    if kind is None:
        if active in NOT_TIES:
            return rel
        return Issue(file, row, "relation", "unknown_relation", f"relation {rel!r} unknown")
    for col, value in (("head", head), ("tail", tail)):
        if not value:
            return Issue(file, row, col, "empty_name", f"{col} 为空")
    if rel != active:
        head, tail = tail, head
    if company_id_for_name(head) == company_id_for_name(tail):
        return Issue(file, row, "", "self_loop", f"{head!r} 既是首实体又是尾实体")
    src_id, dst_id = linker.link(head, src), linker.link(tail, src)
    if src_id == dst_id:
        return Issue(file, row, "", "self_loop", f"{head!r} 和 {tail!r} 是同一家企业（{src_id}）")
    if kind in SYMMETRIC_KINDS and dst_id < src_id:
        src_id, dst_id = dst_id, src_id
    ev = evidence.setdefault((kind, src_id, dst_id), _Evidence())
    ev.sources.append(src)
    ev.labels.add(active)
    return None


def _relation(key: tuple[RelKind, str, str], ev: _Evidence) -> Relation:
    kind, src, dst = key
    label = news_label(min(ev.labels, key=_PRECEDENCE.__getitem__))
    as_of = AS_OF[DATASET]  # undated sentences of 2008–2017
    return new_relation(kind, src, dst, ev.sources, confidence=NEWS_OLD, label=label, as_of=as_of)

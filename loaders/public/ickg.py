"""Loader for ICKG-25: firm-to-firm ties from the temporal industrial-chain KG (2025 news).

Source: ``ickg25/`` (WayneYin9/ICKG, folder ``ICKG25``; research use only). Files:

``entity2id.txt``
    ``name<TAB>id``; 60,868 entities (firms, industries, products, patents, persons),
    names as written in the news: short, full and English names mixed.
``relation2id.txt``
    ``name<TAB>id``; 13 relations.
``time2id.txt``
    ``id,YYYY-MM-DD``; days from 2025-01-01 to 2025-09-02.
``train.txt``, ``valid.txt``, ``test.txt``
    ``head_id<TAB>rel_id<TAB>tail_id<TAB>time_id``; 68,237 dated triples.
``annotated_samples.jsonl`` (optional)
    2,000 triples ``{"triple": [head name, relation, tail name], "expert_label":
    "correct" | "incorrect", …}`` checked by domain experts (from the full ICKG; about
    1,200 of them occur in ICKG-25).

Ties between actors are loaded (:data:`TIES`); the direction of each was read off the
data (see the table's comment). Every dated triple is one piece of evidence; the
triples of one ``(kind, head, tail)`` merge into one relation carrying every source, with
``since`` the earliest date. The 归属于行业 rows whose industry is a chain product
(重卡行业 → 重卡) become MAKES firm → product (:mod:`loaders.public.ickg_members`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import LoadError
from graph.ids import new_relation
from graph.schema import SYMMETRIC_KINDS, Relation, RelKind, Source
from graph.store import Store
from loaders.confidence import EXPERT_CHECKED, NEWS_LLM
from loaders.public.directions import news_label, orient
from loaders.public.ickg_members import MEMBER_REL, MemberRow, member_relations
from loaders.public.linking import NameLinker, write
from loaders.report import Issue, LoadReport
from resolve.index import CompanyIndex, company_id_for_name

DATASET = "ickg25"
SPLITS = ("train.txt", "valid.txt", "test.txt")
ANNOTATIONS = "annotated_samples.jsonl"

#: ICKG relation → relation kind, in label precedence order (合资 before 合作: a joint
#: venture is the stronger tie when one pair has both). Directions, head → tail, checked
#: on samples of the data: 投资 investor → investee (美团 → 高仙机器人, 宁德时代 → 北京银河
#: 通用机器人); 母公司/控股 parent → subsidiary (广汽集团 → 广汽埃安, 阿里巴巴 → 阿里国际,
#: 中国中化控股有限责任公司 → 先正达集团; a few reversed pairs are extraction noise);
#: 供给 supplier → customer (合肥京东方 → 华为, 欣旺达电动汽车电池有限公司 → 沃尔沃汽车,
#: TCL华星 → 小米, Scale AI → OpenAI); 并购 acquirer → acquired (微软 → Skype,
#: Cisco → Splunk, 赛诺菲 → Blueprint Medicines); 合作 and 合资 are symmetric.
TIES: dict[str, RelKind] = {
    "投资": RelKind.INVESTED_IN,
    "母公司/控股": RelKind.PARENT_OF,
    "供给": RelKind.SUPPLIES,
    "并购": RelKind.ACQUIRED,
    "合资": RelKind.PARTNERS_WITH,
    "合作": RelKind.PARTNERS_WITH,
}
_PRECEDENCE = {rel: i for i, rel in enumerate(TIES)}


@dataclass
class _Evidence:
    sources: list[Source] = field(default_factory=list)
    since: dt.date | None = None
    latest: dt.date | None = None
    labels: set[str] = field(default_factory=set)
    checked: bool = False


def load(data_dir: Path, store: Store, index: CompanyIndex) -> LoadReport:
    """Load the firm-to-firm ties of ICKG-25 into ``store``.

    Parameters
    ----------
    data_dir : Path
        The ``ickg25`` folder.
    store : Store
        Target store; nodes are upserted before relations, in batches.
    index : CompanyIndex
        Firms known so far (listed firms by code and name); extended with every new
        Company written here.

    Returns
    -------
    LoadReport
        ``rows_read`` counts triple lines of the three splits. Issues:

        - ``not_a_tie`` (warning, row 0): one per split and skipped relation (涉足行业,
          包含, 上游于, 持有专利, 竞争, 基于专利生产), with the row count;
        - ``no_chain_product`` (warning, row 0): one per split, the 归属于行业 rows
          whose industry is no stored chain product;
        - ``expert_incorrect`` (error): every annotation of the triple says incorrect;
        - ``expert_disagreement`` (warning): annotations disagree; loaded as unchecked;
        - ``self_loop`` (error): head and tail are one firm;
        - ``malformed_row``, ``unknown_id`` (error), in any file;
        - ``stale_index`` (warning): the index named a firm missing from the store;
        - ``direction_conflict`` (warning): a relation registry facts contradict,
          reversed or dropped (:func:`loaders.public.directions.orient`);
        - ``missing_file`` (warning): a split or the annotations file is absent.

    Raises
    ------
    LoadError
        When ``entity2id.txt``, ``relation2id.txt`` or ``time2id.txt`` is missing.

    Notes
    -----
    Relations: :data:`TIES` (head → tail; PARTNERS_WITH endpoints in id order, so both
    orders are one relation), ``label`` the ICKG relation (合资 over 合作 when a pair
    has both), ``since`` the earliest triple date, ``as_of`` the latest (the last day the
    news saw the tie: a parent link ages from it), ``confidence`` ``EXPERT_CHECKED``
    (0.75) when an expert marked a triple of the relation correct, else ``NEWS_LLM``
    (0.6). Nodes: tie endpoints link through ``index.resolve_name``; the others become
    Company nodes named as written, sourced to their ``entity2id.txt`` line. The store
    is never asked to create a Company for a name that resolved. Linear in the number of
    triples (about 1 s for the 68k triples).
    """
    report = LoadReport(dataset=DATASET)
    entities = _read_pairs(data_dir / "entity2id.txt", report)
    rel_pairs = _read_pairs(data_dir / "relation2id.txt", report)
    relations = {i: name for i, (name, _) in rel_pairs.items()}
    times = _read_times(data_dir / "time2id.txt", report)
    verdicts = _read_annotations(data_dir / ANNOTATIONS, report)

    triples = _Triples(entities, relations, times, verdicts, NameLinker(store, index, DATASET))
    for split in SPLITS:
        path = data_dir / split
        if not path.is_file():
            report.add(Issue(split, 0, "", "missing_file", f"找不到 {path}", "warning"))
            continue
        for row, line in _lines(path):
            report.rows_read += 1
            issue = triples.add(line, Source(dataset=DATASET, file=split, row=row))
            if issue is not None:
                report.add(issue)
    for (split, rel), count in sorted(triples.skipped.items()):
        message = f"{rel!r} 的 {count} 行已跳过：不是企业间的关系"
        report.add(Issue(split, 0, "relation", "not_a_tie", message, "warning"))
    for name in sorted(triples.linker.stale):
        message = f"{name!r} 对齐到的企业不在图谱中；分开保留"
        report.add(Issue("entity2id.txt", 0, "name", "stale_index", message, "warning"))

    rels = [_relation(key, ev) for key, ev in sorted(triples.evidence.items())]
    rels = orient(rels, store, triples.linker.spelled, index, report)
    rels += member_relations(triples.members, store, triples.linker, report, DATASET)
    rels += triples.linker.branch_relations()
    write(store, index, report, triples.linker.new_companies(), rels)
    return report


@dataclass
class _Triples:
    """The lookup tables of one load and the evidence collected from the splits."""

    entities: dict[int, tuple[str, int]]
    relations: dict[int, str]
    times: dict[int, dt.date]
    verdicts: dict[tuple[str, str, str], set[str]]
    linker: NameLinker
    evidence: dict[tuple[RelKind, str, str], _Evidence] = field(default_factory=dict)
    skipped: Counter[tuple[str, str]] = field(default_factory=Counter)
    members: list[MemberRow] = field(default_factory=list)

    def add(self, line: str, src: Source) -> Issue | None:
        """Record one triple line as evidence; return the issue that stopped it, if any."""
        file, row = src.file, src.row
        try:
            head_id, rel_id, tail_id, time_id = (int(p) for p in line.split("\t")[:4])
        except ValueError:
            return Issue(file, row, "", "malformed_row", f"应为 4 个整数编号：{line!r}")
        rel = self.relations.get(rel_id)
        if rel is None:
            return Issue(file, row, "relation", "unknown_id", f"未知的关系编号 {rel_id}")
        kind = TIES.get(rel)
        if kind is None and rel != MEMBER_REL:
            self.skipped[(file, rel)] += 1
            return None
        head, tail = self.entities.get(head_id), self.entities.get(tail_id)
        day = self.times.get(time_id)
        if head is None or tail is None:
            col, ident = ("head", head_id) if head is None else ("tail", tail_id)
            return Issue(file, row, col, "unknown_id", f"未知的实体编号 {ident}")
        if day is None:
            return Issue(file, row, "time", "unknown_id", f"未知的时间编号 {time_id}")
        (head_name, head_line), (tail_name, tail_line) = head, tail
        verdict = self.verdicts.get((head_name, rel, tail_name), set())
        if kind is None:  # 归属于行业: linked after the ties
            member = MemberRow(head_name, head_line, tail_name, day, src, frozenset(verdict))
            self.members.append(member)
            return None
        if verdict == {"incorrect"}:
            text = f"专家标注（{head_name}, {rel}, {tail_name}）有误"
            return Issue(file, row, "", "expert_incorrect", text)
        if company_id_for_name(head_name) == company_id_for_name(tail_name):
            return Issue(file, row, "", "self_loop", f"{head_name!r} 既是首实体又是尾实体")
        src_id = self.linker.link(head_name, _entity_source(head_line))
        dst_id = self.linker.link(tail_name, _entity_source(tail_line))
        if src_id == dst_id:
            text = f"{head_name!r} 和 {tail_name!r} 是同一家企业（{src_id}）"
            return Issue(file, row, "", "self_loop", text)
        if kind in SYMMETRIC_KINDS and dst_id < src_id:
            src_id, dst_id = dst_id, src_id
        ev = self.evidence.setdefault((kind, src_id, dst_id), _Evidence())
        ev.sources.append(src)
        ev.since = day if ev.since is None else min(ev.since, day)
        ev.latest = day if ev.latest is None else max(ev.latest, day)
        ev.labels.add(rel)
        ev.checked = ev.checked or verdict == {"correct"}
        if len(verdict) > 1:
            text = f"专家对（{head_name}, {rel}, {tail_name}）意见不一；按未核实载入"
            return Issue(file, row, "", "expert_disagreement", text, "warning")
        return None


def _entity_source(line: int) -> Source:
    return Source(dataset=DATASET, file="entity2id.txt", row=line)


def _relation(key: tuple[RelKind, str, str], ev: _Evidence) -> Relation:
    kind, src, dst = key
    return new_relation(
        kind,
        src,
        dst,
        ev.sources,
        confidence=EXPERT_CHECKED if ev.checked else NEWS_LLM,
        since=ev.since,
        as_of=ev.latest,
        label=news_label(min(ev.labels, key=_PRECEDENCE.__getitem__)),
    )


def _lines(path: Path) -> list[tuple[int, str]]:
    """Return ``(1-based line number, text)`` of the non-blank lines of ``path``."""
    with path.open(encoding="utf-8-sig") as fh:
        text = fh.read()
    # split on "\n" only: str.splitlines would also break at U+2028, U+0085 … inside names
    lines = (s.rstrip("\r") for s in text.split("\n"))
    return [(i, s) for i, s in enumerate(lines, 1) if s.strip()]


def _require(path: Path) -> None:
    if not path.is_file():
        raise LoadError(f"{path}：找不到必需的 ICKG 文件")


def _read_pairs(path: Path, report: LoadReport) -> dict[int, tuple[str, int]]:
    """Read ``name<TAB>id`` lines into ``{id: (name, line)}``; bad lines are issues."""
    _require(path)
    out: dict[int, tuple[str, int]] = {}
    for row, line in _lines(path):
        name, _, ident = line.rpartition("\t")
        if not ident.strip().isdigit() or not name.strip():
            message = f"expected 'name<TAB>id': {line!r}"
            report.add(Issue(path.name, row, "", "malformed_row", message))
            continue
        out[int(ident)] = (name.strip(), row)
    return out


def _read_times(path: Path, report: LoadReport) -> dict[int, dt.date]:
    _require(path)
    out: dict[int, dt.date] = {}
    for row, line in _lines(path):
        ident, _, day = line.partition(",")
        try:
            out[int(ident)] = dt.date.fromisoformat(day.strip())
        except ValueError:
            message = f"expected 'id,YYYY-MM-DD': {line!r}"
            report.add(Issue(path.name, row, "", "malformed_row", message))
    return out


def _read_annotations(path: Path, report: LoadReport) -> dict[tuple[str, str, str], set[str]]:
    """Return ``{(head, relation, tail): {expert labels}}`` from the expert file."""
    if not path.is_file():
        report.add(Issue(path.name, 0, "", "missing_file", f"找不到 {path}", "warning"))
        return {}
    out: dict[tuple[str, str, str], set[str]] = {}
    for row, line in _lines(path):
        try:
            record = json.loads(line)
            head, rel, tail = (str(x).strip() for x in record["triple"])
            label = str(record["expert_label"])
        except (ValueError, KeyError, TypeError) as exc:
            message = f"无法读取的标注（{exc!r}）"
            report.add(Issue(path.name, row, "", "malformed_row", message, "warning"))
            continue
        out.setdefault((head, rel, tail), set()).add(label)
    return out

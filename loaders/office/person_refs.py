"""People and branches named in relation sheets (issue 13, fault 4).

A person's name alone does not tell which person a relation sheet means: two 张伟 of
two firms are two people. A sheet names the firm a person is at either in the cell,
``张伟（乙公司）``, or in a column of its own (主体单位 / 对象单位). The person is then the
one of that name who is an officer of that firm (OFFICER_OF queued by this load or
stored); when there is none, a new person of that name and firm is added, with
OFFICER_OF to the firm, and a report line says so: a namesake at another firm is never
taken instead (``namesake``), and an unknown name is never an error (``new_person``).

A firm name the index reads as a branch (…分公司, …分行, …办事处) is a firm of its own
with BRANCH_OF to its parent, when the parent resolves; else a report line
(``unknown_parent``) says the branch stands alone.
"""

from __future__ import annotations

import re

from graph.ids import node_id, short_hash
from graph.schema import Company, NodeKind, Person, RelKind
from loaders.office.node_rows import Ref, RowBuilder
from loaders.office.rows import RowError
from resolve.index import company_id_for_name
from resolve.match import Match
from resolve.names import parse_name
from resolve.normalise import name_key

#: ``张伟（乙公司）`` or ``张伟(乙公司)``: a person's name and the firm they are at.
_AT = re.compile(r"^(?P<name>[^()（）]{1,20}?)\s*[（(](?P<org>[^()（）]+)[)）]$")
_FIRM_WORDS = ("公司", "集团", "厂", "企业", "合伙", "Ltd", "Inc")


def split_context(text: str) -> tuple[str, str]:
    """Split ``name（firm）`` into the name and the firm ("" when there is none).

    Examples
    --------
    >>> split_context("张伟（乙公司）")
    ('张伟', '乙公司')
    >>> split_context("张伟")
    ('张伟', '')
    """
    hit = _AT.match(text)
    if hit is None:
        return text, ""
    return hit.group("name").strip(), hit.group("org").strip()


def looks_like_person(run: RowBuilder, name: str, org: str) -> bool:
    """Tell whether ``name（org）`` names a person at a firm rather than a firm.

    It does when ``name`` is a person of the graph or of this load, or when ``name``
    reads as no firm (no 公司, 集团 …) and ``org`` is a firm the graph knows.
    """
    if not name or not org:
        return False
    if any(r.kind is NodeKind.PERSON for r in run.names.get(name_key(name), set())):
        return True
    return not any(w in name for w in _FIRM_WORDS) and firm_of(run, org) is not None


def firm_of(run: RowBuilder, org: str) -> str | None:
    """The firm ``org`` names (see :meth:`RowBuilder.firm_named`)."""
    return run.firm_named(org)


def employers(run: RowBuilder, pid: str) -> set[str]:
    """Firms ``pid`` is an officer of, queued by this load or stored."""
    out = {r.dst for r in run.relations if r.kind is RelKind.OFFICER_OF and r.src == pid}
    if pid in run.stored or run.store.get_node(pid) is not None:
        out |= {
            other for _, other in run.store.neighbours(pid, [RelKind.OFFICER_OF], direction="out")
        }
    return out


def person_at(run: RowBuilder, name: str, org: str, column: str, row: int) -> Ref:
    """The person ``name`` at the firm ``org`` (found, else added with a report line).

    Raises
    ------
    RowError
        ``ambiguous_name`` when two people of that name are officers of that firm.
    """
    firm = firm_of(run, org)
    people = sorted(
        (r for r in run.names.get(name_key(name), set()) if r.kind is NodeKind.PERSON),
        key=lambda r: r.id,
    )
    at = [r for r in people if firm is not None and firm in employers(run, r.id)]
    if len(at) == 1:
        return at[0]
    if at:
        message = f"{len(at)} 个同名人员都在「{org}」任职，无法区分；请用编号"
        raise RowError(column, "ambiguous_name", message)
    pid = node_id(NodeKind.PERSON, run.dataset, short_hash(name, org))
    ref = Ref(pid, NodeKind.PERSON)
    if not run.known(pid):
        run.add(Person(id=pid, name=name, sources=[run.source(row)]))
        run.names.setdefault(name_key(name), set()).add(ref)
        if firm is not None:
            run.link(RelKind.OFFICER_OF, pid, firm, row)
    where = f"「{org}」" if firm is not None else f"「{org}」（该单位不在图谱中）"
    if people:
        message = f"名录中的同名人员不在{where}任职：新建一个人员，不与同名者合并"
        run.warn(row, column, "namesake", message)
    else:
        run.warn(row, column, "new_person", f"人员不在名录中：新建一个在{where}的人员")
    return ref


def branch_of(run: RowBuilder, text: str, found: Match, column: str, row: int) -> Ref:
    """The branch ``text`` (added on first use) with BRANCH_OF to its resolved parent."""
    cid = company_id_for_name(text)
    parent = found.parent
    if parent is None and (parts := parse_name(text)).parent:
        parent = run.firm_named(parts.parent)
    if not run.known(cid):
        node = Company(id=cid, name=text, full_name=text, sources=[run.source(row)])
        run.add(node)
        run.index.add(node)
        run.warn(row, column, "new_company", f"「{text}」不在图谱中：新建为分支机构")
    if parent is not None and parent != cid:
        run.link(RelKind.BRANCH_OF, cid, parent, row)
    else:
        message = f"「{text}」的上级单位不在图谱中：分支机构暂无 BRANCH_OF"
        run.warn(row, column, "unknown_parent", message)
    return Ref(cid, NodeKind.COMPANY)

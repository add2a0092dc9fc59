"""The attribution ledger: which 备案 wins each project, and the introducer's reward.

The rules of a 《社会引荐人招商奖励办法》, as this module applies them:

- Every 备案 (:class:`graph.ledger.Introduction`) is kept (append-only). A 备案 names
  its project, or else applies to every project of the investor it names (by the
  investor's Company id, or the same name key).
- A 备案 is valid only when filed before the project's signing day (a 备案 on or after
  that day is 签约后备案, invalid). A project not signed yet keeps its valid 备案
  pending.
- The first valid 备案 wins (earliest ``filed_at``). When another introducer filed at
  the very same time, the project is disputed (争议): nobody wins until the office
  settles it. Later 备案 of other introducers are reported (在后) naming the first;
  a later 备案 of the winner is a repeat (重复).
- The reward is computed once the project has reached the stage the rules name
  (:class:`RewardRules`), on the basis they name (actual investment, else the signed
  amount), by marginal brackets (超额累进), capped; rounded half-up to the 分.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from graph.base import STAGE_RANK, Stage
from graph.errors import LoadError
from graph.files import os_reason
from graph.ledger import Introduction, Project
from graph.schema import NodeKind
from graph.store import Store
from queries.progress import yi
from resolve.normalise import name_key

Status = Literal["领先", "争议", "在后", "重复", "签约后备案", "未匹配项目"]


class Bracket(BaseModel):
    """One bracket: the part of the basis up to ``upto_yuan`` (元; None = the rest)
    earns ``rate`` (e.g. ``"0.003"``, 千分之三)."""

    upto_yuan: Decimal | None = None
    rate: Decimal = Field(ge=0, le=1)


class RewardRules(BaseModel):
    """A reward scheme (奖励办法), read from TOML (see ``examples/rewards.toml``).

    Attributes
    ----------
    name : str
    stage : Stage
        The stage a project must reach before its reward is computed (e.g. 开工).
    basis : {"invested", "signed"}
        实际投资额 (``invested_yuan``) or 签约金额 (``amount_yuan``).
    min_yuan : Decimal >= 0
        No reward below this basis, 元.
    cap_yuan : Decimal, optional
        The most one project's reward can be, 元.
    brackets : list of Bracket
        In rising order of ``upto_yuan``; the last may leave it out (the rest).
    """

    name: str
    stage: Stage
    basis: Literal["invested", "signed"] = "invested"
    min_yuan: Decimal = Field(default=Decimal(0), ge=0)
    cap_yuan: Decimal | None = Field(default=None, ge=0)
    brackets: list[Bracket] = Field(min_length=1)

    @classmethod
    def load(cls, path: Path) -> RewardRules:
        """Read a rules file; amounts and rates are read as exact decimals.

        Raises
        ------
        LoadError
            When the file is missing, not TOML, or not a valid scheme.
        """
        try:
            data = tomllib.loads(path.read_text("utf-8"), parse_float=Decimal)
            return cls.model_validate(data)
        except OSError as exc:
            raise LoadError(f"奖励办法文件 {path} 无法读取：{os_reason(exc)}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise LoadError(f"奖励办法文件 {path} 不是有效的 TOML：{exc}") from exc
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise LoadError(f"奖励办法文件 {path}：{where} {first['msg']}") from exc


def reward(basis: Decimal, rules: RewardRules) -> tuple[Decimal, str]:
    """The reward on ``basis`` (元) and how it was worked out, in Chinese.

    Examples
    --------
    >>> rules = RewardRules(name="例", stage="开工", min_yuan=100_000_000, cap_yuan=2_000_000,
    ...     brackets=[{"upto_yuan": 500_000_000, "rate": "0.003"},
    ...               {"upto_yuan": 1_000_000_000, "rate": "0.002"}, {"rate": "0.001"}])
    >>> reward(Decimal(300_000_000), rules)[0], reward(Decimal(650_000_000), rules)[0]
    (Decimal('900000.00'), Decimal('1800000.00'))
    >>> money, how = reward(Decimal(1_200_000_000), rules)
    >>> money
    Decimal('2000000.00')
    >>> print(how)
    5亿×0.003 + 5亿×0.002 + 2亿×0.001 = 270万元，超过上限 200万元，按上限计
    """
    if basis < rules.min_yuan:
        return Decimal("0.00"), f"{yi(basis)}亿元 未达起奖门槛 {yi(rules.min_yuan)}亿元"
    total, parts, low = Decimal(0), [], Decimal(0)
    for bracket in rules.brackets:
        high = basis if bracket.upto_yuan is None else min(basis, bracket.upto_yuan)
        if high > low:
            total += (high - low) * bracket.rate
            parts.append(f"{yi(high - low)}亿×{bracket.rate}")
        if bracket.upto_yuan is None or basis <= bracket.upto_yuan:
            break
        low = bracket.upto_yuan
    total = total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    how = " + ".join(parts) + f" = {wan(total)}万元"
    if rules.cap_yuan is not None and total > rules.cap_yuan:
        return rules.cap_yuan.quantize(Decimal("0.01")), (
            f"{how}，超过上限 {wan(rules.cap_yuan)}万元，按上限计"
        )
    return total, how


def wan(amount: Decimal) -> str:
    """An amount in 元 written in 万元, exact, without trailing zeros."""
    text = f"{amount / 10_000:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class Filing(BaseModel):
    """One 备案 as the ledger judges it.

    Attributes
    ----------
    status : {"领先", "争议", "在后", "重复", "签约后备案", "未匹配项目"}
    reason : str
        Why, in Chinese (names the winning 备案 for 在后).
    basis_yuan, reward_yuan : Decimal, optional
        Only on the winning 备案 of a project at the rules' stage: the basis and the
        reward, 元.
    """

    introduction_id: str
    filed_at: dt.datetime
    introducer: str
    introducer_is_person: bool
    investor: str
    project_id: str | None
    project_name: str | None
    status: Status
    reason: str
    basis_yuan: Decimal | None = None
    reward_yuan: Decimal | None = None


class AttributionLedger(BaseModel):
    """Every 备案 judged: by project id (unmatched last), then time, then id."""

    as_of: dt.date
    rules: str | None
    filings: list[Filing]

    def people(self) -> set[str]:
        """The introducers who are natural persons (masked in outputs)."""
        return {f.introducer for f in self.filings if f.introducer_is_person}


def attribution(
    store: Store, as_of: dt.date, rules: RewardRules | None = None
) -> AttributionLedger:
    """Judge every 备案 of ``store`` on ``as_of`` (see the module notes).

    Returns
    -------
    AttributionLedger

    Notes
    -----
    O(projects + filings · matched projects); one scan of Project and Introduction nodes.
    """
    projects = {n.id: n for n in store.nodes(NodeKind.PROJECT) if isinstance(n, Project)}
    by_investor: dict[str, list[str]] = defaultdict(list)
    for p in projects.values():
        for key in {p.investor_id, name_key(p.investor) if p.investor else None} - {None, ""}:
            by_investor[str(key)].append(p.id)
    claims: dict[str, list[Introduction]] = defaultdict(list)
    filings: list[Filing] = []
    for intro in store.nodes(NodeKind.INTRODUCTION):
        if not isinstance(intro, Introduction):
            continue
        if intro.project_id in projects:
            targets = [intro.project_id]
        else:
            keys = {intro.investor_id, name_key(intro.investor)} - {None, ""}
            targets = sorted({pid for k in keys for pid in by_investor.get(str(k), [])})
        for pid in targets:
            claims[pid].append(intro)
        if not targets:
            filings.append(_filing(intro, None, "未匹配项目", "没有对应的项目（按线索保留）"))
    for pid in sorted(claims):
        filings.extend(_judge(projects[pid], claims[pid], as_of, rules))
    filings.sort(key=_order)
    return AttributionLedger(as_of=as_of, rules=rules.name if rules else None, filings=filings)


def _order(f: Filing) -> tuple[bool, str, dt.datetime, str]:
    return (f.project_id is None, f.project_id or "", f.filed_at, f.introduction_id)


def _filing(intro: Introduction, project: Project | None, status: Status, reason: str) -> Filing:
    return Filing(
        introduction_id=intro.id,
        filed_at=intro.filed_at,
        introducer=intro.introducer,
        introducer_is_person=intro.introducer_is_person,
        investor=intro.investor,
        project_id=project.id if project else None,
        project_name=project.name if project else None,
        status=status,
        reason=reason,
    )


def _judge(
    project: Project, claims: list[Introduction], as_of: dt.date, rules: RewardRules | None
) -> list[Filing]:
    signed = project.signed_on()
    out: list[Filing] = []
    valid: list[Introduction] = []
    for intro in sorted(claims, key=lambda i: (i.filed_at, i.id)):
        if signed is not None and intro.filed_at.date() >= signed:
            why = f"备案于 {intro.filed_at:%Y-%m-%d}，不早于签约日 {signed}：无效"
            out.append(_filing(intro, project, "签约后备案", why))
        else:
            valid.append(intro)
    if not valid:
        return out
    first = valid[0]
    tied = {i.introducer for i in valid if i.filed_at == first.filed_at}
    for intro in valid:
        when = f"{first.filed_at:%Y-%m-%d %H:%M}"
        if len(tied) > 1 and intro.filed_at == first.filed_at:
            others = "、".join(sorted(tied - {intro.introducer}))
            out.append(_filing(intro, project, "争议", f"与 {others} 同时（{when}）备案：待核定"))
        elif intro is first:
            out.append(_won(intro, project, as_of, rules, signed))
        elif intro.introducer in tied:
            out.append(_filing(intro, project, "重复", f"同一引荐人已于 {when} 备案"))
        else:
            why = f"{'、'.join(sorted(tied))} 已于 {when} 先行备案"
            out.append(_filing(intro, project, "在后", why))
    return out


def _won(
    intro: Introduction,
    project: Project,
    as_of: dt.date,
    rules: RewardRules | None,
    signed: dt.date | None,
) -> Filing:
    filing = _filing(intro, project, "领先", "最先有效备案")
    if signed is None:
        filing.reason = "最先有效备案；项目尚未签约"
        return filing
    if rules is None:
        return filing
    stage = project.stage_on(as_of)
    if stage is None or STAGE_RANK[stage] < STAGE_RANK[rules.stage]:
        now = stage.value if stage else "无"
        filing.reason = f"最先有效备案；项目尚未{rules.stage.value}（现为 {now}）"
        return filing
    basis = project.invested_yuan if rules.basis == "invested" else project.amount_yuan
    if basis is None:
        what = "实际投资额" if rules.basis == "invested" else "签约金额"
        filing.reason = f"最先有效备案；缺{what}，无法计算奖励"
        return filing
    filing.basis_yuan = basis
    filing.reward_yuan, how = reward(basis, rules)
    filing.reason = f"最先有效备案；{how}"
    return filing

"""The key figures of a period, each with its value, the value as the reports print it and
its base in words: the same rows on the workbook's Overview and in the annual and interim
reports, named by the wording file."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.outputs import figures as f
from pipeline.outputs.period_data import ACCEPTED, PeriodData
from pipeline.outputs.wording import Wording


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: float | str | None  # as the workbook types it; None: nothing to show ("–")
    kind: str  # the workbook's column kind: whole, decimal, percent or text
    text: str  # the value as the reports print it
    short: str = ""  # the numerator and denominator of a share: "57 of 108"
    base: str = ""  # what the figure is counted over, in words, after `short`
    indent: bool = False  # a part of the figure above it

    @property
    def row_label(self) -> str:
        """The label as a table row shows it, a part indented under its whole."""
        return f"    {self.label}" if self.indent else self.label

    @property
    def cell(self) -> str:
        """The value and, for a share, its numerator and denominator: one table cell."""
        return f"{self.text} ({self.short})" if self.short else self.text

    @property
    def described(self) -> str:
        """The base after the numerator and denominator: "57 of 108 action reports
        expected, ...", for the cell beside the value."""
        return f"{self.short} {self.base}".strip()


def key_figures(data: PeriodData, words: Wording) -> list[KeyFigure]:
    warnings = len(data.issues) + len(data.status.double_counts)  # as the Issues sheet lists
    return [
        *_returns(data, words),
        *_progress(data, words),
        *_heads(data, words),
        _parity(data, words),
        _amount(data, words),
        KeyFigure(words("figures.warnings"), warnings, "whole", str(warnings)),
    ]


def missing_ministries(data: PeriodData, words: Wording) -> str:
    """ME: no return; MIFA: rejected; or that every ministry's return is accepted."""
    named: dict[str, list[str]] = {}
    for m in data.status.ministries:
        state = data.state(m.code)
        if state != ACCEPTED:
            named.setdefault(f.state_word(words, state), []).append(m.code)
    if not named:
        return words("coverage.every_ministry")
    return f.named_reasons(words, named)


def _share(label: str, share: f.Share, words: Wording, base: str) -> KeyFigure:
    if share.value is None:
        return KeyFigure(label, None, "percent", words("states.none"), "", base)
    short = words("figures.of", part=words.number(share.part), whole=words.number(share.whole))
    return KeyFigure(label, share.value, "percent", words.percent(share.value), short, base)


def _counted(label: str, value: int, text: str = "", base: str = "") -> KeyFigure:
    return KeyFigure(label, value, "whole", text or str(value), "", base)


def _returns(data: PeriodData, words: Wording) -> list[KeyFigure]:
    plan, counts = data.plan, data.pair_counts()
    accepted = len(data.accepted)
    reported = len({a for (a, _), answer in data.answers.items() if answer.texts.get("status")})
    returns = words("figures.returns_value", count=accepted, total=len(plan.ministries))
    actions = words("figures.actions_value", count=reported, total=len(plan.actions))
    return [
        _counted(words("figures.returns"), accepted, returns, missing_ministries(data, words)),
        _counted(words("figures.actions"), reported, actions),
        _counted(words("figures.reports"), sum(counts.values())),
        *(
            KeyFigure(
                words("figures.reports_of", status=words.status(c)), n, "whole", str(n), indent=True
            )
            for c, n in counts.items()
        ),
    ]


def _progress(data: PeriodData, words: Wording) -> list[KeyFigure]:
    """The headline over every expected action report, and beside it the view over those
    with a status."""
    counts = data.pair_counts()
    gaps = {"no_return": counts["No return"], "no_status": counts["No status"]}
    return [
        _share(words("figures.progress"), f.progress(data), words,
               words("figures.progress_base", **gaps)),
        _share(words("figures.progress_reported"), f.progress_reported(data), words,
               words("figures.progress_reported_base", **gaps)),
    ]  # fmt: skip


def _heads(data: PeriodData, words: Wording) -> list[KeyFigure]:
    """Per kind of head count (flow, stock): women and men, then the share of women, each
    naming the indicators it adds up."""
    rows = []
    for kind, actions in f.by_kind(data.plan):
        found = f.heads(data, f.reports_of(actions))
        women, men = found.women.value, found.men.value
        text = words("states.none")
        if women is not None or men is not None:
            text = words(
                "figures.people_value", women=words.number(women or 0), men=words.number(men or 0)
            )
        label = words(f"figures.{kind}", actions=f.pooled_ids(actions))
        base = f.coverage(words, found.women, of="reports")
        rows.append(KeyFigure(label, text, "text", text, "", base))
        label = words("figures.women_share_of", kind=words(f"figures.{kind}_short"))
        rows.append(_share(label, found.share, words, words("figures.women_share_base")))
    return rows


def _parity(data: PeriodData, words: Wording) -> KeyFigure:
    """Indicators with at least as many women as men, of those with figures: a count of
    indicators, so that no indicator outweighs another."""
    shares = [
        f.heads(data, f.reports_of([a])).share.value
        for a in data.plan.actions
        if "women_men" in a.measures
    ]
    found = [s for s in shares if s is not None]
    share = f.Share(sum(1 for s in found if s >= 0.5), len(found))
    base = words("figures.parity_base", without=len(shares) - len(found), all=len(shares))
    return _share(words("figures.parity"), share, words, base)


def _amount(data: PeriodData, words: Wording) -> KeyFigure:
    found = f.total(data, f.reports_of(data.plan.actions), "amount")
    text = words("states.none")
    if found.value is not None:
        text = words("figures.amount_value", amount=words.number(found.value))
    base = f.coverage(words, found, of="reports")
    return KeyFigure(words("figures.amount"), found.value, "decimal", text, "", base)

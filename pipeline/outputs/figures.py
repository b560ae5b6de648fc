"""What each figure of the outputs means, defined once for the workbook, the tidy export and
the annual, interim and final reports: which figures may be added up, the coverage of a total,
the base of each share, and the word shown where a figure is missing, never a 0."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.outputs.period_data import ACCEPTED, DONE, NO_STATUS, PeriodData
from pipeline.outputs.wording import Wording
from pipeline.plan.register import HEAD_COUNTS, Action, Plan
from pipeline.template.contract import INPUTS, STATUSES

# A figure enters a total only from a row with one of these statuses: a row with no status
# is counted as not reported, and Not applicable rows report nothing.
COUNTED = tuple(s for s in STATUSES if s != "Not applicable")
FIGURE_FIELDS = ("women", "men", "count", "amount")
MEASURE_OF = {c.field: c.measure for c in INPUTS}
# Why a cell holds no counted figure; each is a key of [states] in the wording file. A
# ministry without an accepted return adds its return's state (period_data.return_state).
GIVEN, LEFT_EMPTY, NOT_ASKED = "given", "left_empty", "not_asked"
NO_STATUS_GIVEN, NOT_APPLICABLE = "no_status", "not_applicable"
# A status that falls in this order between two years is flagged: Completed and Ongoing
# stand level (an action done once, or carried on).
PROGRESS_RANK = {"Not started": 0, "In progress": 1, "Ongoing": 2, "Completed": 2}

Report = tuple[Action, str]  # an action report: one action, one of its ministries


def figure_state(data: PeriodData, action: Action, ministry: str, field: str) -> str:
    """GIVEN, or why the cell holds no figure: not asked by the indicator, the return's
    state, no status, Not applicable, or left empty."""
    if MEASURE_OF[field] and MEASURE_OF[field] not in action.measures:
        return NOT_ASKED
    state = data.state(ministry)
    if state != ACCEPTED:
        return state
    answer = data.answers.get((action.id, ministry))
    if answer and field in answer.texts:
        return GIVEN
    category = data.category(action.id, ministry)
    if category == NO_STATUS:
        return NO_STATUS_GIVEN
    return NOT_APPLICABLE if category == "Not applicable" else LEFT_EMPTY


def counted(data: PeriodData, action: Action, ministry: str, field: str) -> float | None:
    """The figure a total takes from this report, or None: only a number given in a row
    whose status is one of COUNTED."""
    if data.category(action.id, ministry) not in COUNTED:
        return None
    answer = data.answers.get((action.id, ministry))
    return answer.numbers.get(field) if answer else None


def left_out_reason(data: PeriodData, action: Action, ministry: str, field: str) -> str:
    """Why a report's figure is not in a total: its state, or the status of a row whose
    figure was given but does not count."""
    state = figure_state(data, action, ministry, field)
    if state != GIVEN:
        return state
    return NO_STATUS_GIVEN if data.category(action.id, ministry) == NO_STATUS else NOT_APPLICABLE


@dataclass(frozen=True)
class Total:
    """A sum over action reports of one figure, with what it covers; value None when no
    report gave a figure to count, shown "–", never 0."""

    value: float | None
    counted: tuple[Report, ...]
    left_out: tuple[tuple[Report, str], ...]  # each report not counted, and why

    @property
    def expected(self) -> int:
        return len(self.counted) + len(self.left_out)


def total(data: PeriodData, reports: Iterable[Report], field: str) -> Total:
    """The total of `field` over reports that ask for it (the others are not expected)."""
    found, left_out, value = [], [], None
    for action, ministry in reports:
        if MEASURE_OF[field] not in action.measures:
            continue
        figure = counted(data, action, ministry, field)
        if figure is None:
            left_out.append(((action, ministry), left_out_reason(data, action, ministry, field)))
        else:
            found.append((action, ministry))
            value = (value or 0.0) + figure
    return Total(value, tuple(found), tuple(left_out))


@dataclass(frozen=True)
class Share:
    """A share with its numerator and denominator, so that the base is always said."""

    part: float
    whole: float

    @property
    def value(self) -> float | None:
        return self.part / self.whole if self.whole else None


@dataclass(frozen=True)
class Heads:
    """Women and men over action reports, and the share of women over the reports that
    gave both: a report with only one of the two would read as 0% or 100% women."""

    women: Total
    men: Total
    share: Share


def heads(data: PeriodData, reports: Sequence[Report]) -> Heads:
    women, men = total(data, reports, "women"), total(data, reports, "men")
    both = [r for r in women.counted if r in set(men.counted)]
    part = sum(counted(data, a, m, "women") or 0.0 for a, m in both)
    whole = part + sum(counted(data, a, m, "men") or 0.0 for a, m in both)
    return Heads(women, men, Share(part, whole))


def reports_of(actions: Iterable[Action]) -> list[Report]:
    return [(a, m) for a in actions for m in a.ministries]


def by_unit(plan: Plan) -> list[tuple[str, tuple[Action, ...]]]:
    """The count indicators the register puts under one unit (the same count label), in
    plan order: the only counts of different indicators that may be added up."""
    groups: dict[str, list[Action]] = {}
    for action in plan.actions:
        if "count" in action.measures and action.count_label:
            groups.setdefault(action.count_label, []).append(action)
    return [(unit, tuple(actions)) for unit, actions in groups.items()]


def by_kind(plan: Plan) -> list[tuple[str, tuple[Action, ...]]]:
    """The sex-disaggregated indicators of each declared kind (flow, stock): a stock is never
    added to a flow, and an indicator of no declared kind is added to none."""
    found = [
        (kind, tuple(a for a in plan.actions if a.head_count == kind and "women_men" in a.measures))
        for kind in HEAD_COUNTS
    ]
    return [(kind, actions) for kind, actions in found if actions]


def pooling_lines(plan: Plan) -> list[str]:
    """Which indicators the outputs add up together, for the coordinator to check in the
    register: counts of one unit, head counts of one kind, and those added to no other."""
    lines = ["Counts added up across indicators (the same Count of):"]
    lines += [f"  {u[:40]:<40} {pooled_ids(a)}" for u, a in by_unit(plan) if len(a) > 1]
    lines.append("Women and men added up by kind (head_count):")
    lines += [f"  {kind:<6} {pooled_ids(actions)}" for kind, actions in by_kind(plan)]
    alone = [a for a in plan.actions if "women_men" in a.measures and not a.head_count]
    if alone:
        lines.append(f"  no kind declared, added to no other: {pooled_ids(alone)}")
    return lines


def progress(data: PeriodData) -> Share:
    """The headline: Completed or Ongoing over every expected action report but those Not
    applicable; no return and no status count as not done, so that years compare."""
    counts = data.pair_counts()
    return Share(sum(counts[s] for s in DONE), sum(counts.values()) - counts["Not applicable"])


def progress_reported(data: PeriodData) -> Share:
    """Beside the headline: over the action reports with a status other than Not applicable."""
    counts = data.pair_counts()
    return Share(sum(counts[s] for s in DONE), sum(counts[s] for s in COUNTED))


def completeness(data: PeriodData, ministry: str) -> Share:
    """The ministry's rows with a status (Not applicable is an answer) over its rows."""
    m = data.ministry(ministry)
    return Share(m.with_status, m.rows)


def went_back(series: Sequence[tuple[int, str]]) -> list[tuple[int, str, int, str]]:
    """(year, status, later year, status) wherever a status falls back in PROGRESS_RANK
    from the last year that had one: Completed, then Not started."""
    found, last = [], None
    for year, status in series:
        if status not in PROGRESS_RANK:
            continue
        if last and PROGRESS_RANK[status] < PROGRESS_RANK[last[1]]:
            found.append((*last, year, status))
        last = (year, status)
    return found


def share_text(words: Wording, share: Share) -> str:
    """52.8% (57 of 108): every percentage with its numerator and denominator."""
    if share.value is None:
        return words("states.none")
    return words(
        "figures.share", percent=words.percent(share.value), part=words.number(share.part),
        whole=words.number(share.whole),
    )  # fmt: skip


def state_word(words: Wording, state: str) -> str:
    return words(f"states.{state}")


def tally(words: Wording, count: int, state: str) -> str:
    """2 rejected, 1 left empty: a count of reports with the state's word agreeing with it."""
    word = state_word(words, state) if count == 1 else words(f"states_counted.{state}")
    return f"{words.number(count)} {word}"


def named_reasons(words: Wording, named: dict[str, list[str]]) -> str:
    """ME, MIFA: no return; MJ: rejected. `named` is {reason's words: ministry codes}."""
    return words.listed(words.label(", ".join(codes)) + why for why, codes in named.items())


def coverage(words: Wording, found: Total, *, of: str = "ministries") -> str:
    """What a total stands on: "2 of 3 ministries (ME: no return)" for the reports of one
    indicator, or "12 of 15 action reports (not counted: 2 no return)" when it pools
    several indicators (`of` "reports")."""
    counted_text = counted_of(words, found, of=of)
    if not found.left_out:
        return counted_text
    if of == "ministries":
        named: dict[str, list[str]] = {}
        for (_, ministry), reason in found.left_out:
            named.setdefault(state_word(words, reason), []).append(ministry)
        reasons = named_reasons(words, named)
    else:
        counts = Counter(reason for _, reason in found.left_out)
        reasons = words(
            "coverage.not_counted",
            reasons=", ".join(tally(words, n, r) for r, n in counts.items()),
        )
    return words("coverage.with_reasons", counted=counted_text, reasons=reasons)


def counted_of(words: Wording, found: Total, *, of: str = "ministries") -> str:
    """2 of 3 ministries, 1 of 1 ministry, 12 of 15 action reports."""
    key = f"coverage.{of}" if found.expected != 1 else f"coverage.{of}_one"
    return words(key, counted=len(found.counted), expected=found.expected)


def pooled_ids(actions: Iterable[Action]) -> str:
    return ", ".join(a.id for a in actions)


def cell(
    data: PeriodData, words: Wording, action: Action, ministry: str, field: str
) -> float | str:
    """One report's figure as a table shows it: the number given (counted in totals or not),
    or the word for why there is none."""
    state = figure_state(data, action, ministry, field)
    answer = data.answers.get((action.id, ministry))
    if state == GIVEN and answer and field in answer.numbers:
        return answer.numbers[field]
    return state_word(words, state)


def total_cell(words: Wording, found: Total) -> float | str:
    """A total as a table shows it: the sum, "not asked" when no report asks for the figure,
    the one reason shared by every report left out, or "–"."""
    if found.value is not None:
        return found.value
    if not found.expected:
        return state_word(words, NOT_ASKED)
    reasons = {reason for _, reason in found.left_out}
    return state_word(words, reasons.pop()) if len(reasons) == 1 else words("states.none")

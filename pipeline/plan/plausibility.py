"""The plausibility of figures, declared in the plan register: the largest figure a cell of
each measure may hold, for the whole plan and for the actions that report larger ones."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from pipeline.problems import Problem, problem

SECTION = "plausibility"
BY_ACTION = "actions"
# Used when a plan file has no [plausibility] section (registers written before it existed).
FALLBACK = (("women_men", 1_000_000), ("count", 1_000_000), ("amount", 1_000_000_000))
FIGURE_MEASURES = tuple(measure for measure, _ in FALLBACK)


@dataclass(frozen=True)
class Ceiling:
    limit: int | float
    where: str  # where a coordinator changes it, for the message that quotes it


@dataclass(frozen=True)
class Plausibility:
    """Ceilings per measure (women_men: each of Women and Men; count; amount in EUR)."""

    ceilings: tuple[tuple[str, int | float], ...] = FALLBACK
    by_action: tuple[tuple[str, str, int | float], ...] = ()  # (action id, measure, ceiling)
    file: str = ""  # the plan file that declares them; "" when the fallback applies

    def ceiling(self, action_id: str, measure: str) -> Ceiling:
        for action, name, limit in self.by_action:
            if (action, name) == (action_id, measure):
                return Ceiling(limit, f'{self.file} [{SECTION}.{BY_ACTION}."{action}"] {name}')
        limit = dict(self.ceilings)[measure]
        if not self.file:
            return Ceiling(limit, f"the default; set [{SECTION}] {measure} in plan.toml")
        return Ceiling(limit, f"{self.file} [{SECTION}] {measure}")

    def listed(self) -> list[tuple[str, str]]:
        """(what, ceiling) for the plan's summary, the ceilings of single actions last."""
        rows = [(measure, limit) for measure, limit in self.ceilings]
        rows += [(f"{action} {measure}", limit) for action, measure, limit in self.by_action]
        return [(what, f"{limit:,.15g}".replace(",", " ")) for what, limit in rows]


def read_plausibility(
    section: object, file: str, action_ids: Collection[str], found: list[Problem]
) -> Plausibility:
    """The [plausibility] section of a plan file (None when it has none); each entry that is
    not a positive number for a known measure and action is a problem appended to `found`."""
    if section is None:
        return Plausibility()
    if not isinstance(section, Mapping):
        found.append(problem("register-bad-ceiling", file=file, cell=f"[{SECTION}]", value=section))
        return Plausibility()
    ceilings = dict(FALLBACK)
    ceilings |= _limits(section, f"[{SECTION}]", file, found, skip=BY_ACTION)
    by_action = []
    actions = section.get(BY_ACTION, {})
    for action_id, entries in actions.items() if isinstance(actions, Mapping) else ():
        place = f'[{SECTION}.{BY_ACTION}."{action_id}"]'
        if action_id not in action_ids:
            found.append(problem("register-unknown-action", file=file, cell=place))
            continue
        entries = entries if isinstance(entries, Mapping) else {"": entries}
        limits = _limits(entries, place, file, found)
        by_action += [(action_id, measure, limit) for measure, limit in limits.items()]
    return Plausibility(tuple(ceilings.items()), tuple(by_action), file)


def _limits(
    entries: Mapping[str, object], place: str, file: str, found: list[Problem], skip: str = ""
) -> dict[str, int | float]:
    limits: dict[str, int | float] = {}
    for measure, limit in entries.items():
        if measure == skip:
            continue
        number = isinstance(limit, int | float) and not isinstance(limit, bool)
        if measure in FIGURE_MEASURES and number and 0 < limit < float("inf"):
            limits[measure] = limit
        else:
            found.append(
                problem("register-bad-ceiling", file=file, cell=f"{place} {measure}", value=limit)
            )
    return limits

"""The plan's texts in another language: plan.<lang>.toml and actions.<lang>.csv beside the
register, read over the English register so that a text not yet translated still shows,
in English, behind a marker a reader sees."""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.failures import NapError
from pipeline.language import ENGLISH, localised
from pipeline.plan.register import Action, Ministry, Pillar, Plan

ACTION_TEXTS = ("objective", "action", "indicator", "responsible_printed", "count_label")
PLAN_TEXTS = ("title", "coordinator", "committee")


@dataclass(frozen=True)
class Translation:
    """One language's texts of a register, keyed as the register keys them."""

    head: dict[str, str]
    ministries: dict[str, dict[str, str]]
    pillars: dict[str, dict[str, object]]
    glossary: dict[str, str]
    actions: dict[str, dict[str, str]]
    marker: str  # put before an English text shown for want of a translation
    status: str  # e.g. "traduction non officielle", shown with the register's notes


def translation_files(plan: Plan, language: str) -> tuple[Path, Path]:
    return (
        plan.path.parent / localised(plan.path.name, language),
        plan.path.parent / localised("actions.csv", language),
    )


def read_translation(plan: Plan, language: str) -> Translation | None:
    """The register's texts in `language`, or None when it has none."""
    toml_file, csv_file = translation_files(plan, language)
    if not toml_file.is_file():
        return None
    try:
        data = tomllib.loads(toml_file.read_text(encoding="utf-8"))
        rows = _rows(csv_file) if csv_file.is_file() else {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, csv.Error) as exc:
        raise NapError(
            f"{toml_file.parent.name}: the {language} text of the plan cannot be read ({exc}); "
            f"correct {toml_file.name} or {csv_file.name}, or remove them to use English"
        ) from exc
    meta = data.get("translation", {})
    return Translation(
        head={k: str(v) for k, v in data.get("plan", {}).items()},
        ministries={m["code"]: m for m in data.get("ministries", ()) if "code" in m},
        pillars={p["id"]: p for p in data.get("pillars", ()) if "id" in p},
        glossary={g["term"]: g.get("meaning", "") for g in data.get("glossary", ()) if "term" in g},
        actions=rows,
        marker=str(meta.get("untranslated", "")),
        status=str(meta.get("status", "")),
    )


def _rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return {
            (row.get("id") or "").strip(): {k: (v or "").strip() for k, v in row.items() if k}
            for row in csv.DictReader(f)
        }


def translated(plan: Plan, language: str) -> Plan:
    """The plan as a document in `language` shows it (the same plan for English, or when
    the register has no text in that language); computed once per plan and language."""
    if language == ENGLISH:
        return plan

    def make() -> Plan:
        found = read_translation(plan, language)
        return plan if found is None else _apply(plan, found)

    return plan.derived(("translated", language), make)


def _text(found: object, english: str, marker: str) -> str:
    text = str(found or "").strip()
    if text or not english:
        return text
    return f"{marker}{english}"


def _apply(plan: Plan, t: Translation) -> Plan:
    mark = t.marker
    return replace(
        plan,
        **{name: _text(t.head.get(name), getattr(plan, name), mark) for name in PLAN_TEXTS},
        ministries=tuple(_ministry(m, t.ministries.get(m.code, {}), mark) for m in plan.ministries),
        pillars=tuple(_pillar(p, t.pillars.get(p.id, {}), mark) for p in plan.pillars),
        actions=tuple(_action(a, t.actions.get(a.id, {}), mark) for a in plan.actions),
        glossary=tuple(
            replace(g, meaning=_text(t.glossary.get(g.term), g.meaning, mark))
            for g in plan.glossary
        ),
    )


def _ministry(m: Ministry, found: dict[str, str], mark: str) -> Ministry:
    return replace(
        m,
        name=_text(found.get("name"), m.name, mark),
        includes=_text(found.get("includes"), m.includes, mark),
    )


def _pillar(p: Pillar, found: dict[str, object], mark: str) -> Pillar:
    commitments = found.get("commitments")
    if not isinstance(commitments, list) or len(commitments) != len(p.commitments):
        commitments = [""] * len(p.commitments)
    return replace(
        p,
        name=_text(found.get("name"), p.name, mark),
        main_objective=_text(found.get("main_objective"), p.main_objective, mark),
        commitments=tuple(
            _text(f, e, mark) for f, e in zip(commitments, p.commitments, strict=True)
        ),
    )


def _action(a: Action, found: dict[str, str], mark: str) -> Action:
    return replace(
        a, **{name: _text(found.get(name), getattr(a, name), mark) for name in ACTION_TEXTS}
    )


def untranslated_texts(plan: Plan, language: str) -> list[str]:
    """Where the register's text in `language` is missing (file and key), for `nap check`."""
    if language == ENGLISH:
        return []
    found = read_translation(plan, language)
    toml_name, csv_name = (p.name for p in translation_files(plan, language))
    if found is None:
        return [f"{toml_name}: missing, so the plan's texts show in English"]
    missing: list[str] = []

    def check(where: str, text: object, english: str) -> None:
        if english and not str(text or "").strip():
            missing.append(where)

    for name in PLAN_TEXTS:
        check(f"{toml_name}: plan.{name}", found.head.get(name), getattr(plan, name))
    for m in plan.ministries:
        check(
            f"{toml_name}: ministry {m.code}", found.ministries.get(m.code, {}).get("name"), m.name
        )
    for p in plan.pillars:
        view = _pillar(p, found.pillars.get(p.id, {}), "")
        for name, english in (("name", p.name), ("main_objective", p.main_objective)):
            check(f"{toml_name}: pillar {p.id} {name}", getattr(view, name), english)
        for n, (text, english) in enumerate(zip(view.commitments, p.commitments, strict=True), 1):
            check(f"{toml_name}: pillar {p.id} commitment {n}", text, english)
    for g in plan.glossary:
        check(f"{toml_name}: glossary {g.term}", found.glossary.get(g.term), g.meaning)
    for a in plan.actions:
        for name in ACTION_TEXTS:
            check(
                f"{csv_name}: {a.id} {name}",
                found.actions.get(a.id, {}).get(name),
                getattr(a, name),
            )
    return missing

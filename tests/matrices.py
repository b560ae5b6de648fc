"""A made-up drafted matrix of a next plan, laid out as working groups lay them out in Excel:
French headers, pillar headings merged across the table, an objective column merged down its
rows (and one objective written once for several unmerged rows), a row continuing the action
above it, and a ministry the 2018-2023 plan did not have (digitalisation)."""

from __future__ import annotations

from pathlib import Path

HEADERS = ("N°", "Objectif spécifique", "Action", "Indicateur(s)", "Responsable(s)", "Calendrier")
NEW_MINISTRY = "MDIGI"

# (pillar heading, [(objective, [(action, indicator, responsible), ...]), ...])
PILLARS = [
    ("Pilier 1 : Participation", [
        ("Renforcer la participation des femmes aux processus de paix", [
            ("Former les médiatrices du réseau national",
             "Nombre de femmes et d'hommes formés", "MAEE (D1), MEGA"),
            ("Soutenir les candidatures féminines aux missions internationales",
             "Nombre de candidatures reçues", "MAEE D7 / Armée"),
            ("Recruter des policières pour les missions de paix",
             "Taux de femmes parmi les recrues, ventilé par sexe", "Police grand-ducale"),
        ]),
        ("Promouvoir l'égalité dans la fonction publique", [
            ("Suivre la représentation des femmes aux postes de direction",
             "Proportion de femmes aux postes de direction", "Tous les ministères"),
            ("Organiser des sessions d'orientation professionnelle",
             "Nombre de sessions organisées", "MENJE, MEGA"),
            ("Publier un rapport annuel sur l'égalité salariale",
             "Rapport publié", "MEGA"),
        ]),
    ]),
    ("Pilier 2 : Prévention", [
        ("Prévenir les violences fondées sur le genre en ligne", [
            ("Mettre en place une plateforme de signalement des violences en ligne",
             "Nombre de signalements traités", "Ministère de la Digitalisation, CTIE"),
            ("Former les agents publics à la cybersécurité et au harcèlement en ligne",
             "Nombre de personnes formées", "Ministère de la Digitalisation, MAI"),
            ("Campagnes de sensibilisation dans les écoles",
             "Nombre de campagnes menées", "MENJE, Université du Luxembourg"),
            ("Financer des projets de prévention de la société civile",
             "Budget alloué (EUR)", "MAEE (D5)"),
        ]),
        ("Intégrer le genre dans la coopération au développement", [
            ("Analyses de genre des projets de coopération",
             "Nombre d'analyses réalisées", "MAEE D5"),
            ("Financer les organisations de femmes dans les pays partenaires",
             "Montant des fonds alloués", "MAEE D5"),
            ("Stratégie genre de la coopération", "Stratégie adoptée", "MAEE"),
        ]),
    ]),
    ("Pilier 3 : Protection", [
        ("Protéger les victimes de violences sexuelles", [
            ("Renforcer l'accueil des demandeuses de protection internationale",
             "Nombre de personnes accueillies, ventilé par sexe", "ONA, MFSVA"),
            ("Former les magistrats aux violences sexuelles liées aux conflits",
             "Nombre de femmes et d'hommes formés", "Ministère de la Justice"),
            ("Adapter les procédures d'asile aux besoins des femmes",
             "Procédures adoptées", "MAI, Justice"),
            ("Soutenir les structures de prise en charge psychosociale",
             "Montant alloué", "Ministère de la Santé"),
        ]),
        ("Lutter contre la traite des êtres humains", [
            ("Coordonner l'identification des victimes de traite",
             "Nombre de victimes identifiées", "MJ, Police grand-ducale"),
            ("Sécuriser les données des victimes dans les systèmes de l'État",
             "Mécanisme de protection des données mis en place", "CTIE"),
        ]),
    ]),
    ("Pilier 4 : Promotion", [
        ("Porter l'agenda FPS dans les enceintes internationales", [
            ("Interventions au Conseil de sécurité et à l'OSCE",
             "Nombre d'interventions", "MAEE D1"),
            ("Contributions financières à ONU Femmes",
             "Contributions financières (EUR)", "MAEE D1, D5"),
            ("Promouvoir le plan sur les réseaux sociaux du gouvernement",
             "Nombre de publications", "Service information et presse, ME"),
        ]),
        ("Rendre compte de la mise en œuvre", [
            ("Rapport de mise en œuvre au Comité interministériel",
             "Rapport annuel", "MAEE D1, MEGA"),
            ("Évaluation à mi-parcours du plan", "Évaluation réalisée", "MAEE"),
            ("Dialogue annuel avec la société civile",
             "Nombre de participantes et participants", "MAEE, MEGA"),
        ]),
    ]),
]  # fmt: skip
ACTIONS = sum(len(actions) for _, groups in PILLARS for _, actions in groups)

MINISTRIES_CSV = (
    "code,name,aliases\n"
    "MAEE,Ministry of Foreign and European Affairs,"
    "Ministère des Affaires étrangères et européennes;D1;D5;D7;Armée\n"
    "MAI,Ministry of Home Affairs,Ministère des Affaires intérieures;Police grand-ducale;Police\n"
    'MENJE,"Ministry of Education, Children and Youth",Ministère de l\'Éducation nationale\n'
    "MEGA,Ministry of Gender Equality and Diversity,"
    "Ministère de l'Égalité des genres et de la Diversité\n"
    'MFSVA,"Ministry of Family Affairs, Solidarity, Living Together and Reception of Refugees",'
    "Ministère de la Famille;ONA\n"
    "MJ,Ministry of Justice,Ministère de la Justice;Justice\n"
    "MSAN,Ministry of Health and Social Security,Ministère de la Santé\n"
    "ME,Ministry of State,Ministère d'État;SIP\n"
    "MDIGI,Ministry for Digitalisation,Ministère de la Digitalisation\n"
)
# CTIE, the State's IT centre, reports through the digitalisation ministry: the first list
# forgets it, and the review names the action that then has no ministry.
CTIE_ALIAS = ";CTIE\n"


def write_matrix(path: Path) -> Path:
    """The matrix as the working group saved it."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Matrice"
    ws["A1"] = "Plan d'action national « Femmes et paix et sécurité » 2024-2028"
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    ws.append(list(HEADERS))
    number = 0
    for heading, groups in PILLARS:
        ws.append([heading])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=6)
        for g, (objective, actions) in enumerate(groups):
            top = ws.max_row + 1
            for a, (action, indicator, responsible) in enumerate(actions):
                number += 1
                written = objective if (a == 0 or g == 0) else None
                ws.append([f"{number}", written, action, indicator, responsible, "2024-2028"])
            if g == 0:  # merged down its rows, as Excel's "Merge cells" leaves it
                ws.merge_cells(start_row=top, start_column=2, end_row=ws.max_row, end_column=2)
                ws.cell(top, 2).alignment = Alignment(vertical="center", wrap_text=True)
        if heading.startswith("Pilier 1"):
            ws.append([None, None, None, "Nombre de participantes au réseau", None, None])
    ws.append([])
    ws.append(["Source : groupe de travail interministériel, version de travail"])
    wb.save(path)
    return path


def write_ministries(path: Path, *, with_ctie: bool = False) -> Path:
    text = MINISTRIES_CSV.replace("Digitalisation\n", "Digitalisation" + CTIE_ALIAS)
    path.write_text(text if with_ctie else MINISTRIES_CSV, encoding="utf-8")
    return path


def import_args(folder: Path, plan_id: str, *more: str) -> list[str]:
    """`nap plan import` of the matrix and ministries list written in `folder`."""
    matrix, ministries = str(folder / "matrix.xlsx"), str(folder / "ministries.csv")
    return ["plan", "import", matrix, "--id", plan_id, "--periods", "2024-2028",
            "--ministries", ministries, *more]  # fmt: skip

"""The settings of a test workspace: the office's own addresses, as a real workspace has them
once its nap.toml is filled in. Test addresses use the TLD .example (RFC 2606), which no real
address has, but not the example.org of the shipped files, which the tool refuses."""

OFFICE_EMAIL = "wps-coordination@maee.example"
OFFICE_SETTINGS = f'[contact]\nemail = "{OFFICE_EMAIL}"\n'


def new_workspace(root):
    """A new workspace folder with the office's settings, opened as a command would."""
    from pipeline.workspace import SETTINGS_FILE, Workspace

    root.mkdir(parents=True, exist_ok=True)
    (root / SETTINGS_FILE).write_text(OFFICE_SETTINGS, encoding="utf-8")
    return Workspace.open(root, create=True)

"""Type text into cells of a workbook with LibreOffice, as a person at the keyboard would, and
save it as .xlsx: `/usr/bin/python3 tests/libreoffice_typing.py SOURCE DEST PROFILE REF=TEXT...`.

Runs with the Python that has LibreOffice's `uno` module (python3-uno), not the project's.
Text goes in through setFormula, which runs Calc's input recognition: "1/2" becomes a date,
"1.200" a number or a text depending on the locale, exactly as typing it does.
"""

import contextlib
import os
import subprocess
import sys
import time

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def _property(name: str, value: object) -> PropertyValue:
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def _connect(pipe: str):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    for _ in range(300):
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:
            time.sleep(0.1)
    raise SystemExit("LibreOffice did not start")


def main(source: str, dest: str, profile: str, *typed: str) -> None:
    pipe = f"nap-typing-{os.getpid()}"
    office = subprocess.Popen(
        ["soffice", f"-env:UserInstallation={uno.systemPathToFileUrl(profile)}", "--headless",
         "--norestore", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        context = _connect(pipe)
        desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context
        )
        hidden = (_property("Hidden", True),)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0, hidden)
        sheet = doc.Sheets.getByName("Report")
        for entry in typed:
            ref, text = entry.split("=", 1)
            sheet.getCellRangeByName(ref).setFormula(text)
        xlsx = (_property("FilterName", "Calc MS Excel 2007 XML"),)
        doc.storeToURL(uno.systemPathToFileUrl(dest), xlsx)
        doc.close(True)
        with contextlib.suppress(Exception):  # the bridge closes as LibreOffice quits
            desktop.terminate()
        office.wait(timeout=60)
    finally:
        if office.poll() is None:
            os.killpg(office.pid, 9)  # its own session: soffice.bin goes with it


if __name__ == "__main__":
    main(*sys.argv[1:])

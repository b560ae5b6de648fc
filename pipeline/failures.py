"""The few exceptions that stop a command; problems in the data are `Problem` records instead."""


class NapError(Exception):
    """The tool could not complete; `str()` is one line that says what to do."""


class UsageError(NapError):
    """The command was called with arguments that cannot work (exit code 2)."""

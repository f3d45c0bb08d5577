"""What the command line reports in one line instead of a traceback."""


class CommandFailure(Exception):
    """A mistake or condition the user can act on (a port in use, a file that is not a
    qacmock database): its message is the whole report."""

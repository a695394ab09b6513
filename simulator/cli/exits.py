"""Exit statuses of ``diversim``: 2 for bad input (never a traceback), 130 when interrupted."""

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130

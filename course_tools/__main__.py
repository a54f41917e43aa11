"""The course's maintenance commands: `python -m course_tools sync|execute ...`.

sync: writes every derived text from its source (`course_tools.sync`); with
`--check`, fails if any differs. execute: runs each notebook that has no
current executed run in the mode (`course_tools.executed`).
"""

import sys


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    commands = {"sync": _sync, "execute": _execute}
    if not argv or argv[0] not in commands:
        sys.exit(f"usage: python -m course_tools {{{','.join(commands)}}} ...\n\n{__doc__}")
    commands[argv[0]](argv[1:])


def _sync(argv):
    from course_tools.sync import main as sync_main

    sync_main(argv)


def _execute(argv):
    from course_tools.executed import main as execute_main

    execute_main(argv)


if __name__ == "__main__":
    main()

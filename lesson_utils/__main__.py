"""`python -m lesson_utils train|data|doctor|slides`: the course's command line (course_tools.cli)."""

import sys

from course_tools.cli import main

sys.exit(main())

"""`python -m lesson_utils train|data|doctor|slides`: the course's command line.

It lives in `course_tools.cli`, outside the package the notebooks import.
"""

import sys

from course_tools.cli import main

sys.exit(main())

"""The notebooks' controls: explorers that redraw a figure, and the training panel.

Importing this layer loads TensorFlow first, without its log lines (see
`lesson_utils.quiet_tensorflow`), so that a learner never sees them in red.
"""

from lesson_utils.quiet_tensorflow import import_tensorflow_quietly

import_tensorflow_quietly()

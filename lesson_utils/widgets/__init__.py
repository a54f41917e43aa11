"""The notebooks' controls: explorers that redraw a figure, and the training panel."""

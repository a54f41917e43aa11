"""Fitting and evaluating a model, and the one IMDB pipeline every notebook and tool calls."""

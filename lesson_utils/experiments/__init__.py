"""What the notebooks measure: each function computes and returns numbers, never draws."""

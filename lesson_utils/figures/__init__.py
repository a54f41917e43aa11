"""What the notebooks draw: each function draws what it is given, in the course's style."""

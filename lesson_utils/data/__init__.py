"""Data: IMDB reviews and their text, batches of similar length, the memory task's sequences."""

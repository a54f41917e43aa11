"""The recurrences written from scratch in NumPy (notebooks 01 to 03): no Keras here."""

"""The Keras models the notebooks train, and where trained ones are saved."""

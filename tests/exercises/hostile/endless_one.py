"""One function that never ends (appended after the correct ones, it replaces accuracy)."""


def accuracy(z, y):
    while True:
        pass

"""Never ends: an endless loop in a function."""


def softmax(z):
    while True:
        pass

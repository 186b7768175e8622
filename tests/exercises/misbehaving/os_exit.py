"""Kills its own process in the middle of a call."""
import os

import numpy as np


def softmax(z):
    os._exit(3)

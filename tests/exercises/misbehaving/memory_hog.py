"""Asks for far more memory than the limit."""
import numpy as np

huge = np.ones((100_000, 100_000))

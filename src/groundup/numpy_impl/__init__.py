"""By-hand models in NumPy: forward and backward written out, no autograd."""

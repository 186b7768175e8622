"""groundup: deep-learning fundamentals built twice, by hand and with torch.nn."""

__version__ = "0.1.0"

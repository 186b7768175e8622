"""Uses torch in an exercise done by hand."""
import torch


def softmax(z):
    return torch.softmax(torch.as_tensor(z), 1).numpy()

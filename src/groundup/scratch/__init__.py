"""By-hand models on torch tensors: own layers, losses and SGD; autograd for the gradients."""

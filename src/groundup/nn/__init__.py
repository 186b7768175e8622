"""The same models with torch.nn modules, torch.nn losses and torch.optim."""

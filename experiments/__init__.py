"""Experiments with the model: one run, batches and their results folder, and comparisons."""

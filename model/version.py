"""The model version: semantic, bumped whenever the outputs for a given config and seed change."""

MODEL_VERSION = "2.0.0"

"""Running the model: the boundary function from parameters and a seed to tables."""

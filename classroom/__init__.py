"""Classroom mode: a class plays the two states and the media in one shared run."""

"""Mesa agent classes: the two states, the media outlets and the observers."""

from agents.media_outlet import MediaOutlet
from agents.observer import Observer
from agents.state import State

__all__ = ["MediaOutlet", "Observer", "State"]

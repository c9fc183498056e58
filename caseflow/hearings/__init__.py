"""Hearings (口头审理, 局令81 art. 26): each office's rooms, scheduling with conflict checks, the calendar."""

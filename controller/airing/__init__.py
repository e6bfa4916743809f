"""Scheduling and airing: what to air when (scheduler, planner), and one broadcast from
start to finish."""

"""Scheduled work: the scheduler, its leader election, trigger maths and the jobs it runs."""

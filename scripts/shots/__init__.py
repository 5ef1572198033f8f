"""The screenshot tool's parts: the sandbox's JSON API, photographs, and one module per feature.

``scripts/screenshots.py`` is the one entry point; each feature module (``pilot``, ``calib``,
``patterns``, ``review2``, ``training``) defines ``FEATURE``: how its sandbox starts, what it seeds
through the bot and which pictures it takes.
"""

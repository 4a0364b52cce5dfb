"""The ``corridor`` command's sub-apps, one per capability; :mod:`corridor.cli` joins them."""

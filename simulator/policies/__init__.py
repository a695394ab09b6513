"""Sourcing and inventory policies: each kind's scenario spec and its runtime strategy.

:mod:`.inventory` holds the inventory-policy kinds; :mod:`.sourcing` is a package with one
module per sourcing-policy kind.
"""

"""Sourcing and inventory policies as small strategy objects."""

from .inventory import make_inventory_rule
from .sourcing import make_sourcing

__all__ = ["make_inventory_rule", "make_sourcing"]

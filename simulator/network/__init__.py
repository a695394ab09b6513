"""The transport network: a graph of nodes and legs, and candidate routes over it."""

from .graph import Network, Route

__all__ = ["Network", "Route"]

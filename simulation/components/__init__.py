"""The component kinds, one small class each, keyed by the ``kind`` of the format."""

from .app_server import AppServer
from .base import Node, Server
from .cache import Cache
from .cdn import Cdn
from .client import Client
from .database import Database
from .dns import Dns
from .load_balancer import LoadBalancer
from .queue import Queue, Worker

KINDS: dict[str, type[Node]] = {
    cls.kind: cls for cls in (Client, Dns, Cdn, LoadBalancer, AppServer, Cache, Database, Queue, Worker)
}

__all__ = [
    "KINDS",
    "AppServer",
    "Cache",
    "Cdn",
    "Client",
    "Database",
    "Dns",
    "LoadBalancer",
    "Node",
    "Queue",
    "Server",
    "Worker",
]

"""The component kinds: one module per kind, and the one registry of them.

A kind's module holds everything about it: the component class (how it moves
requests), its parameter model (``Params``: defaults, ranges, help texts), the
traits generic code may ask of it, and the metrics it reports. The registry
below is the only list of kinds in the project: the format's ``KINDS``, the JSON
Schema, the editor's palette and the engine all read it. Its order is the
palette's: from the users inwards to the data. Adding a kind is one module and
one line here (see ``docs/adding-a-component-kind.md``).
"""

from .app_server import AppServer
from .base import Node, Server
from .cache import Cache
from .cdn import Cdn
from .client import Client
from .database import Database
from .dns import Dns
from .load_balancer import LoadBalancer
from .queue import Queue
from .worker import Worker

KINDS: dict[str, type[Node]] = {
    Client.kind: Client,
    Dns.kind: Dns,
    Cdn.kind: Cdn,
    LoadBalancer.kind: LoadBalancer,
    AppServer.kind: AppServer,
    Cache.kind: Cache,
    Database.kind: Database,
    Queue.kind: Queue,
    Worker.kind: Worker,
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

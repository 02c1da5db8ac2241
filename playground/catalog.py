"""What the editor is generated from: the format's JSON Schema and the presets gallery."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from simulation.format import json_schema
from simulation.presets import load_presets

router = Router(tags=["catalog"])


class Preset(Schema):
    id: str
    title: str
    description: str
    document: dict[str, Any]


@router.get("/schema", response=dict[str, Any], summary="The JSON Schema of the topology format")
def schema(request: HttpRequest):
    return json_schema()


@router.get("/presets", response=list[Preset], summary="Ready-made topologies, one per lecture concept")
def presets(request: HttpRequest):
    return load_presets()

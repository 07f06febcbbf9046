"""The command path: one owner of text or service call → parse → plan → confirm → log → publish.

See `service.py` for the path and its rules; `result.py` for what every interface serialises.
"""

from hub.commands.confirmations import Confirmations, Policy
from hub.commands.plan import encode_actions, plan
from hub.commands.result import CommandResult, Outcome, Requester
from hub.commands.service import CommandService
from hub.commands.validate import LANGS, MAX_TEXT, InvalidText, clean_text

__all__ = [
    "LANGS",
    "MAX_TEXT",
    "CommandResult",
    "CommandService",
    "Confirmations",
    "InvalidText",
    "Outcome",
    "Policy",
    "Requester",
    "clean_text",
    "encode_actions",
    "plan",
]

"""Names, limits and defaults of enhanced call handling."""

from __future__ import annotations

from typing import Any

LEGACY = "legacy"
ENHANCED = "enhanced"
GENERATIONS: tuple[str, ...] = (LEGACY, ENHANCED)

WORK_HOURS = "work-hours"
AFTER_HOURS = "after-hours"
DND = "dnd"
FORWARD_ALL_CALLS = "forward-all-calls"
AGENT = "agent"
BUSY = "busy"
STATE_NAMES: dict[str, str] = {
    AFTER_HOURS: "After Hours",
    WORK_HOURS: "Work Hours",
    DND: "Do not disturb",
    FORWARD_ALL_CALLS: "Forward all calls",
    AGENT: "Agent",
    BUSY: "Busy",
}
# The states every enhanced extension has, in the order they are listed; after-hours only
# while work-hours has a schedule, agent only for call-queue members (which we do not model).
STATE_ORDER: tuple[str, ...] = (WORK_HOURS, AFTER_HOURS, DND, FORWARD_ALL_CALLS)

# Storage kinds.
STATE = "state"
STATE_RULE = "state-rule"
INTERACTION_RULE = "interaction-rule"


def id_parameter(kind: str) -> str:
    """What a path names an item of ``kind`` by: an interaction rule by its id, a state
    and its state rule by the state's."""
    return "ruleId" if kind == INTERACTION_RULE else "stateId"


DISPATCHING_TYPES: tuple[str, ...] = ("RingAtOnce", "RingInOrder", "Custom", "Terminate")
MIN_DURATION = 5
MAX_DURATION = 300
MIN_START_OFFSET = 0
MAX_START_OFFSET = 300
MAX_TARGETS_PER_GROUP = 10

ALL_DESKTOP = "AllDesktopRingTarget"
ALL_MOBILE = "AllMobileRingTarget"
APP_TARGET_NAMES = {ALL_DESKTOP: "All desktop apps", ALL_MOBILE: "All mobile apps"}
SUPPORTED_RING_TARGETS: tuple[str, ...] = (
    ALL_DESKTOP,
    ALL_MOBILE,
    "CoworkerRingTarget",
    "DeviceRingTarget",
    "PhoneNumberRingTarget",
)
SUPPORTED_TERMINATING_TARGETS: tuple[str, ...] = (
    "VoiceMailTerminatingTarget",
    "PlayAnnouncementTerminatingTarget",
    "PhoneNumberTerminatingTarget",
    "ExtensionTerminatingTarget",
)
TERMINATING_TARGET_NAMES = {
    "VoiceMailTerminatingTarget": "Voicemail",
    "PlayAnnouncementTerminatingTarget": "Announcement",
    "PhoneNumberTerminatingTarget": "Phone number",
    "ExtensionTerminatingTarget": "Extension",
}
GREETING_ACTIONS: tuple[str, ...] = (
    "PlayWelcomePromptAction",
    "PlayConnectingPromptAction",
    "PlayConnectingMessageAction",
)


def preset_greeting(preset_id: str = "65536") -> dict[str, Any]:
    return {"effectiveGreetingType": "Preset", "preset": {"id": preset_id}}


def voicemail_action() -> dict[str, Any]:
    return {
        "type": "TerminatingAction",
        "targets": [
            {
                "type": "VoiceMailTerminatingTarget",
                "name": "Voicemail",
                "prompt": {"greeting": preset_greeting()},
            }
        ],
    }


def apps_action() -> dict[str, Any]:
    return {
        "type": "RingAlwaysGroupAction",
        "enabled": True,
        "targets": [
            {"type": ALL_DESKTOP, "name": APP_TARGET_NAMES[ALL_DESKTOP]},
            {"type": ALL_MOBILE, "name": APP_TARGET_NAMES[ALL_MOBILE]},
        ],
    }


def default_dispatching(state_id: str) -> dict[str, Any]:
    """What a state rule does until someone changes it."""
    if state_id == WORK_HOURS:
        return {
            "type": "RingInOrder",
            "actions": [
                {
                    "type": "RingGroupAction",
                    "enabled": True,
                    "duration": 20,
                    "customStartOffset": 0,
                    "targets": [
                        {"type": ALL_DESKTOP, "name": APP_TARGET_NAMES[ALL_DESKTOP]},
                        {"type": ALL_MOBILE, "name": APP_TARGET_NAMES[ALL_MOBILE]},
                    ],
                },
                voicemail_action(),
            ],
        }
    return {"type": "Terminate", "actions": [voicemail_action()]}

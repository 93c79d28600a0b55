"""Typed SQLAlchemy models shared by every feature."""

from app.models.actor import (
    ACTOR_EVENT_ACTIONS,
    ACTOR_STATUSES,
    Actor,
    ActorEvent,
    InitiativePartner,
)
from app.models.admin_event import ADMIN_ACTIONS, AdminEvent
from app.models.change_set import CHANGE_SET_STATUSES, ChangeSet
from app.models.dossier import Dossier, DossierEntry, DossierSource
from app.models.follow import FOLLOW_FREQUENCIES, FOLLOW_TARGETS, Follow, Follower
from app.models.follow_up import FollowUp
from app.models.freshness import LIFE_STATUSES
from app.models.harvest import HARVEST_FORMATS, HarvestRun, HarvestSource
from app.models.initiative import (
    ACTOR_TYPES,
    KINDS,
    LOCATION_PRECISIONS,
    STATUSES,
    Initiative,
    Tag,
    Theme,
)
from app.models.job_run import JOB_OUTCOMES, JobRun
from app.models.outbox import OutboxMessage
from app.models.reject_reason import RejectReason
from app.models.report import REPORT_KINDS, REPORT_STATUSES, Report
from app.models.revision import Revision
from app.models.scope import SCOPES
from app.models.source import InitiativeSource
from app.models.staged_import import StagedImport, StagedImportChunk
from app.models.used_stamp import UsedStamp
from app.models.user import ROLES, SCOPE_LEVELS, User, UserScope

__all__ = [
    "ACTOR_EVENT_ACTIONS",
    "ACTOR_STATUSES",
    "ADMIN_ACTIONS",
    "ACTOR_TYPES",
    "CHANGE_SET_STATUSES",
    "FOLLOW_FREQUENCIES",
    "FOLLOW_TARGETS",
    "HARVEST_FORMATS",
    "JOB_OUTCOMES",
    "KINDS",
    "LIFE_STATUSES",
    "LOCATION_PRECISIONS",
    "REPORT_KINDS",
    "REPORT_STATUSES",
    "ROLES",
    "SCOPE_LEVELS",
    "SCOPES",
    "STATUSES",
    "Actor",
    "ActorEvent",
    "AdminEvent",
    "ChangeSet",
    "Dossier",
    "DossierEntry",
    "DossierSource",
    "Follow",
    "FollowUp",
    "HarvestRun",
    "HarvestSource",
    "Follower",
    "Initiative",
    "InitiativePartner",
    "InitiativeSource",
    "JobRun",
    "OutboxMessage",
    "RejectReason",
    "Report",
    "Revision",
    "StagedImport",
    "StagedImportChunk",
    "Tag",
    "Theme",
    "UsedStamp",
    "User",
    "UserScope",
]

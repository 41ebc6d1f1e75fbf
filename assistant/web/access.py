"""Who may read what: keys and signed-in users → the access labels they hold.

A site lists them in a YAML file (`POLICY_ASSISTANT_ACCESS`):

    keys:                      # an API key (also listed in POLICY_ASSISTANT_API_KEYS) → labels
      "hr-portal-key": [hr]
    users:                     # a user named by the reverse proxy's header → labels
      "anna.andersson": [hr, ledning]
    groups:                    # a group in the proxy's groups header → labels
      "personalavdelningen": [hr]

A document without labels is for everyone; one with labels only for callers holding one of
them. The admin key reads everything. A caller the file does not name holds no labels.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import yaml

from assistant.settings import Settings
from assistant.types import Labels


def key_name(key: str) -> str:
    """How a key appears in logs, audit records and sessions: never the key itself."""
    return "key-" + hashlib.sha256(key.encode()).hexdigest()[:8]


@dataclass(frozen=True)
class Caller:
    name: str
    labels: Labels | None  # None: no restriction (the admin key)


@dataclass(frozen=True)
class AccessMap:
    by_name: dict[str, Labels] = field(default_factory=dict)  # key names and user names
    admin: str | None = None  # the admin key's name
    by_group: dict[str, Labels] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings) -> AccessMap:
        admin = settings.admin_key.get_secret_value() if settings.admin_key else None
        if settings.access is None:
            return cls(admin=key_name(admin) if admin else None)
        try:
            raw = yaml.safe_load(settings.access.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as error:
            raise ValueError(
                f"The access file {settings.access} cannot be read: {error}"
            ) from error
        by_name = {key_name(k): _labels(v) for k, v in (raw.get("keys") or {}).items()}
        by_name |= {str(u): _labels(v) for u, v in (raw.get("users") or {}).items()}
        by_group = {str(g): _labels(v) for g, v in (raw.get("groups") or {}).items()}
        return cls(by_name, key_name(admin) if admin else None, by_group)

    def caller(self, name: str, groups: list[str] | None = None) -> Caller:
        """The labels of a key name or a user name, and of the user's groups."""
        if name == self.admin:
            return Caller(name, None)
        labels = self.by_name.get(name, frozenset())
        for group in groups or []:
            labels |= self.by_group.get(group, frozenset())
        return Caller(name, labels)


def _labels(value: object) -> Labels:
    items = value if isinstance(value, list) else [value]
    return frozenset(str(item).strip().lower() for item in items if str(item).strip())


ANONYMOUS = Caller("anonymous", frozenset())  # an open server's callers: unlabelled documents

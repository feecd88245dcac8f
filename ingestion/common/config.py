"""Connector settings from one documented file, cqm.yml (see the README, "Connecting your sources").

Lookup: $CQM_CONFIG, else $CQM_HOME/cqm.yml, else cqm.yml in the project folder. Values may use
`${VAR}` (read from the environment) and `${VAR:-default}`. Secrets stay in the environment: a value
that is exactly `${VAR}` is handed to the orchestrator as a reference to VAR and resolved at run
time, so it is never stored or displayed. The environment variables of ENV_OVERRIDES, when set,
override the file (that is how `cqm demo` points the connectors at the simulated sources).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ingestion.common.settings import PROJECT_ROOT, cqm_home

SOURCES = ("crm", "erp", "logistics", "surveys")
KINDS = {
    "crm": ("rest", "files"),
    "erp": ("sql",),
    "logistics": ("files",),
    "surveys": ("files", "rest"),
}
ENV_OVERRIDES: dict[tuple[str, str], str] = {
    ("crm", "url"): "CQM_CRM_URL",
    ("crm", "token"): "CQM_CRM_TOKEN",
    ("crm", "path"): "CQM_CRM_DIR",
    ("erp", "url"): "CQM_ERP_URL",
    ("logistics", "path"): "CQM_LOGISTICS_DIR",
    ("surveys", "path"): "CQM_SURVEYS_DIR",
    ("surveys", "url"): "CQM_SURVEYS_URL",
    ("surveys", "token"): "CQM_SURVEYS_TOKEN",
}
_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_WHOLE_REF = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")


class ConfigError(ValueError):
    """cqm.yml is missing something or refers to an unset environment variable."""


@dataclass(frozen=True)
class Setting:
    """A literal value, or a reference to an environment variable resolved at run time."""

    value: str | None = None
    env: str | None = None

    def resolve(self, environ: Mapping[str, str] | None = None) -> str | None:
        env = os.environ if environ is None else environ
        return env.get(self.env) if self.env else self.value


@dataclass(frozen=True)
class SourceConfig:
    source: str
    kind: str
    settings: dict[str, Setting] = field(default_factory=dict)

    def get(self, key: str) -> Setting:
        return self.settings.get(key, Setting())


def config_path() -> Path:
    explicit = os.environ.get("CQM_CONFIG")
    if explicit:
        return Path(explicit)
    home = cqm_home() / "cqm.yml"
    return home if home.exists() else PROJECT_ROOT / "cqm.yml"


def interpolate(text: str, environ: Mapping[str, str], *, where: str) -> str:
    """Replace ${VAR} and ${VAR:-default}; an unset VAR without default is one clear error."""

    def sub(m: re.Match[str]) -> str:
        var, default = m.group(1), m.group(2)
        if var in environ:
            return environ[var]
        if default is not None:
            return default
        raise ConfigError(f"{where} refers to ${{{var}}}, which is not set in the environment")

    return _REF.sub(sub, text)


def load_sources(
    path: Path | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, SourceConfig]:
    """Every source's kind and settings, with the environment overrides applied."""
    env = os.environ if environ is None else environ
    path = path or config_path()
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    blocks = (doc or {}).get("sources") or {}
    unknown = set(blocks) - set(SOURCES)
    if unknown:
        raise ConfigError(f"{path}: unknown source(s) {', '.join(sorted(unknown))}")
    out: dict[str, SourceConfig] = {}
    for source in SOURCES:
        block = dict(blocks.get(source) or {})
        kind = str(block.pop("kind", KINDS[source][0]))
        if kind not in KINDS[source]:
            raise ConfigError(
                f"{path}: sources.{source}.kind is '{kind}', expected one of {', '.join(KINDS[source])}"
            )
        settings: dict[str, Setting] = {}
        for key, raw in block.items():
            text = str(raw)
            whole = _WHOLE_REF.match(text)
            if whole:
                settings[key] = Setting(env=whole.group(1))
            else:
                settings[key] = Setting(
                    value=interpolate(text, env, where=f"{path}: sources.{source}.{key}")
                )
        for (src, key), var in ENV_OVERRIDES.items():
            if src == source and (var in env or key not in settings):
                settings[key] = Setting(env=var)
        out[source] = SourceConfig(source, kind, settings)
    return out

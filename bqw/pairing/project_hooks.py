"""Found by `projects.services` through `core.hooks.app_modules("project_hooks")`: a change made in the project
library (stage, dates, archive, region) to a pairing's co-built project updates the pairing indicators
(pair_proj_started / pair_proj_done) in the same transaction."""

from __future__ import annotations

from bqw.accounts.models import User
from bqw.projects.models import Project

from .coverage import Touched, refresh
from .models import PairingProject


def project_changed(*, actor: User, project: Project) -> None:
    if PairingProject.objects.filter(project_id=project.pk).exists():
        refresh(actor=actor, touched=Touched().project(project))

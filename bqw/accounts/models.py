"""Users with an organization, a role and two region scopes; API tokens; the audit log."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, Protocol

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models

# accounts sits below regions and orgs (docs/DESIGN.md, "Layers"): it refers to their models by name
# ("regions.Region", "orgs.Organization": a database relation, not an import) and needs of a region only this.


class Unit(Protocol):
    """What the scope checks need of a unit (a `bqw.regions.models.Region`)."""

    pk: Any
    code: str
    name: str
    full_name: str

    @property
    def prefix(self) -> str: ...

    def contains(self, other: Unit) -> bool: ...

    def subtree_codes(self) -> tuple[str, str]: ...


class Role(models.TextChoices):
    ADMIN = "admin", "指挥部管理员"
    REVIEWER = "reviewer", "审核员"
    REPORTER = "reporter", "填报员"
    VIEWER = "viewer", "查看者"


class User(AbstractUser):
    """Reads are limited to `view_scope`, writes of data to `capture_scope` (both region subtrees)."""

    organization = models.ForeignKey("orgs.Organization", verbose_name="所属机构", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="users")
    role = models.CharField("角色", max_length=10, choices=Role.choices, default=Role.VIEWER)
    view_scope = models.ForeignKey("regions.Region", verbose_name="查看范围", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    capture_scope = models.ForeignKey("regions.Region", verbose_name="填报范围", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    @property
    def is_rw(self) -> bool:
        return self.is_superuser or self.role != Role.VIEWER

    def can_view(self, region: Unit) -> bool:
        if self.is_superuser:
            return True
        return self.view_scope is not None and self.view_scope.contains(region)

    def can_capture(self, region: Unit) -> bool:
        if self.is_superuser:
            return True
        return self.is_rw and self.capture_scope is not None and self.capture_scope.contains(region)


class ApiToken(models.Model):
    """Bearer token for /api/v1; only the SHA-256 of the key is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField("用途", max_length=60, default="api")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField("令牌前缀", max_length=12, blank=True, default="",
                              help_text="明文的前几位，便于用户辨认；完整令牌只在创建时显示一次")
    created = models.DateTimeField("创建时间", auto_now_add=True)
    expires = models.DateTimeField("到期时间", null=True, blank=True)
    last_used = models.DateTimeField("最近使用时间", null=True, blank=True)
    revoked = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）" if self.prefix else self.name

    def is_usable(self, now) -> bool:
        """Not revoked and not past its expiry: the one check the Bearer auth makes."""
        return self.revoked is None and (self.expires is None or self.expires > now)

    @property
    def state_label(self) -> str:
        from django.utils import timezone

        if self.revoked is not None:
            return "已撤销"
        if self.expires is not None and self.expires <= timezone.now():
            return "已过期"
        return "有效"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "bqw_" + secrets.token_urlsafe(30)


class AuditEntry(models.Model):
    """One write: who, when, what, before and after (Zulip's RealmAuditLog, per region)."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    action = models.CharField("操作", max_length=60, db_index=True)
    object_type = models.CharField("对象类型", max_length=60)
    object_id = models.CharField("对象ID", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    region = models.ForeignKey("regions.Region", verbose_name="所属区划", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_repr}"


class LoginFailure(models.Model):
    """Recent wrong passwords of one username or one client address (`accounts.throttle`), kept in the database
    so every server process counts the same failures (a per-process cache would let each gunicorn worker allow
    its own five guesses). `key` is a hash: neither the username nor the address is stored in clear."""

    key = models.CharField("键", max_length=64, unique=True)
    failures = models.PositiveIntegerField("失败次数", default=0)
    last_at = models.DateTimeField("最后失败时间", db_index=True)

    class Meta:
        verbose_name = "登录失败记录"
        verbose_name_plural = "登录失败记录"

    def __str__(self) -> str:
        return f"{self.key[:12]}… × {self.failures}"

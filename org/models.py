from django.contrib.auth.models import AbstractUser
from django.db import models

from core.errors import DeletionForbidden
from core.models import UndeletableModel
from core.protect import fixed, keep_forever

from .roles import roles_of


class Department(UndeletableModel):
    """A 部 or a 課 of the city (部 → 課). Departments are retired, never deleted."""

    class Kind(models.TextChoices):
        BU = "bu", "部"
        KA = "ka", "課"

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("区分", max_length=2, choices=Kind.choices, default=Kind.KA)
    parent = models.ForeignKey(
        "self",
        verbose_name="所属する部",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        limit_choices_to={"kind": Kind.BU},
    )
    code = models.CharField("所属コード", max_length=20, unique=True)
    sort_order = models.PositiveIntegerField("表示順", default=0)
    is_active = models.BooleanField("使用中", default=True)

    class Meta:
        verbose_name = "部署"
        verbose_name_plural = "部署"
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="bu", parent__isnull=True) | models.Q(kind="ka"),
                name="department_bu_has_no_parent",
            ),
        ]
        triggers = [keep_forever()]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        """Return "△△部○○課" as the 運用ポリシー writes it (P-3)."""
        if self.parent_id:
            return f"{self.parent.name}{self.name}"
        return self.name


class User(AbstractUser):
    """A city employee, committee member or contractor. Japanese names: family name first."""

    department = models.ForeignKey(
        Department,
        verbose_name="所属課",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        limit_choices_to={"kind": Department.Kind.KA},
    )
    title = models.CharField("職名", max_length=50, blank=True)

    class Meta:
        verbose_name = "利用者"
        verbose_name_plural = "利用者"
        ordering = ["department__sort_order", "last_name", "first_name", "username"]
        triggers = [keep_forever()]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        name = f"{self.last_name} {self.first_name}".strip()
        return name or self.username

    def get_full_name(self):
        return self.display_name

    @property
    def roles(self) -> frozenset[str]:
        return roles_of(self)

    def delete(self, *args, **kwargs):
        # A person's name stays on what they did (audit, votes, decisions): retire with is_active.
        raise DeletionForbidden("利用者は削除できません。利用停止（有効のチェックを外す）にしてください。")


class LockoutRelease(UndeletableModel):
    """A sign-in lockout the sysadmin released (SPEC §7): who, when, for which name or address."""

    username = models.CharField("利用者名", max_length=150, blank=True)
    address = models.GenericIPAddressField("アドレス", null=True, blank=True)
    failures = models.PositiveIntegerField("解除した失敗回数")
    released_by = models.ForeignKey(
        User, verbose_name="解除した人", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField("解除日時", auto_now_add=True)
    comment = models.TextField("理由・確認したこと", blank=True)

    class Meta:
        verbose_name = "ログインのロック解除"
        verbose_name_plural = "ログインのロック解除"
        ordering = ["-released_at"]
        triggers = [keep_forever(), fixed()]

    def __str__(self):
        return f"{self.target} {self.released_at:%Y-%m-%d %H:%M}"

    @property
    def target(self) -> str:
        """What was released: a user name, an address, or the pair `name（address）`."""
        if self.username and self.address:
            return f"{self.username}（{self.address}）"
        return self.username or str(self.address)

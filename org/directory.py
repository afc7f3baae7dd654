"""Sign-in with the city's directory (LDAP / Active Directory) through django-auth-ldap (issue 14).

Configured from the environment by komae_sns/directory.py; without LDAP_SERVER_URI this backend is
not installed. The rules:

- A directory user signing in for the first time becomes a user with no role: the sysadmin grants
  one (or a group of LDAP_ROLE_GROUPS does). The creation is audited.
- LDAP_ROLE_GROUPS keeps each mapped role in step with the directory at every sign-in: granted while
  the user is in the group, withdrawn when they leave it (audited). Roles the mapping does not name
  are the sysadmin's alone.
- A local account (one with a usable password: the sysadmin's, or any account of a city without a
  directory) is never taken over by a directory entry of the same name; it signs in locally.
- The e-mail address comes from the directory only when it is on CITY_EMAIL_DOMAIN (P-4).
- Lockout (django-axes) counts directory sign-ins like local ones: AxesStandaloneBackend comes first
  and the failure signal is the same. A name the directory knows is never taken for one that does
  not exist (org.lockouts asks knows_name when an address has used up its unknown-name bound).
"""

import logging

import ldap
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.dispatch import receiver
from django_auth_ldap.backend import LDAPBackend, _LDAPUser, populate_user

from core.audit import Job, audit_record
from core.models import AuditEvent

from .roles import role_label

logger = logging.getLogger(__name__)


class DirectoryBackend(LDAPBackend):
    def get_or_build_user(self, username, ldap_user):
        user, built = super().get_or_build_user(username, ldap_user)
        if not built and user.has_usable_password():
            raise ldap_user.AuthenticationFailed(f"{username} is a local account; the directory does not sign it in")
        ldap_user.built_here = built
        return user, built

    def knows_name(self, username: str) -> bool:
        """Whether the directory has an entry for this user name (searched as the service account).

        When the directory cannot be asked, the name is taken as known: it is then counted and
        throttled like any existing name rather than refused unread.
        """
        try:
            return _LDAPUser(self, username=username).attrs is not None
        except ldap.LDAPError:
            logger.warning("directory could not be asked whether %s exists", username)
            return True

    def authenticate_ldap_user(self, ldap_user, password):
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is None:
            return None
        with transaction.atomic():
            if getattr(ldap_user, "built_here", False):
                audit_record(
                    target=user,
                    actor=Job.DIRECTORY,
                    action=AuditEvent.Action.CREATED,
                    summary=f"ディレクトリから利用者を登録：{user.username}（役割なし）",
                )
            _sync_mapped_roles(user, ldap_user)
        return user


def _sync_mapped_roles(user, ldap_user) -> None:
    """Grant each role of LDAP_ROLE_GROUPS whose group the user is in; withdraw the others."""
    mapping: dict[str, str] = getattr(settings, "LDAP_ROLE_GROUPS", {}) or {}
    if not mapping:
        return
    member_of = {dn.lower() for dn in ldap_user.group_dns}
    held = set(user.groups.values_list("name", flat=True))
    for role, group_dn in mapping.items():
        should_hold = group_dn in member_of
        if should_hold == (role in held):
            continue
        group, _ = Group.objects.get_or_create(name=role)
        label = role_label(role)
        if should_hold:
            user.groups.add(group)
            summary, before, after = f"ディレクトリのグループにより役割を付与：{label}", "", role
        else:
            user.groups.remove(group)
            summary, before, after = f"ディレクトリのグループを外れたため役割を解除：{label}", role, ""
        audit_record(
            target=user,
            actor=Job.DIRECTORY,
            action=AuditEvent.Action.UPDATED,
            summary=summary,
            from_state=before,
            to_state=after,
        )
    user._role_cache = None


@receiver(populate_user, sender=DirectoryBackend)
def _keep_city_mail_only(sender, user, ldap_user, **kwargs):
    """P-4: only an address on the city's domain is registered; any other is left out."""
    if user.email and not user.email.lower().endswith("@" + settings.CITY_EMAIL_DOMAIN.lower()):
        logger.info("directory mail of %s is not on %s; left empty", user.username, settings.CITY_EMAIL_DOMAIN)
        user.email = ""

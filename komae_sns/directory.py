"""Sign-in with the city's directory (LDAP / Active Directory): django-auth-ldap's settings, built from
the environment (issue 14). Without LDAP_SERVER_URI there is no directory: local accounts only, as
in the demo.

Used by settings.py at start-up and by the tests (with a mapping of their own), so both build the
configuration the same way. Imports nothing that needs Django's apps to be loaded.
"""

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

from org.roles import Role

BACKEND = "org.directory.DirectoryBackend"

GROUP_TYPES = ("groupOfNames", "groupOfUniqueNames", "posixGroup", "activeDirectory")


def _flag(values: Mapping[str, str], key: str) -> bool:
    value = values.get(key, "").strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise ImproperlyConfigured(f"{key}: true か false を指定してください（{value!r}）。")


def role_groups(text: str) -> dict[str, str]:
    """LDAP_ROLE_GROUPS: `role=group DN` entries separated by ";" (a DN has commas of its own).

    e.g. `committee=cn=sns-committee,ou=groups,dc=city,dc=komae,dc=lg,dc=jp;sysadmin=cn=…`.
    Returns {role: DN in lower case}; an unknown role or an empty DN stops start-up.
    """
    mapping: dict[str, str] = {}
    for entry in filter(None, (part.strip() for part in text.split(";"))):
        role, _, dn = entry.partition("=")
        role, dn = role.strip(), dn.strip()
        if role not in Role.values:
            raise ImproperlyConfigured(
                f"LDAP_ROLE_GROUPS: 役割「{role}」はありません。使える役割：{', '.join(Role.values)}"
            )
        if "=" not in dn:
            raise ImproperlyConfigured(f"LDAP_ROLE_GROUPS: 役割「{role}」のグループのDNがありません。")
        mapping[role] = dn.lower()
    return mapping


def directory_settings(values: Mapping[str, str]) -> dict:
    """The AUTH_LDAP_* settings (and LDAP_ROLE_GROUPS) for the directory named in `values`, or {}.

    LDAP_SERVER_URI          ldap://dc1.city.example.lg.jp or ldaps://… (several: space-separated)
    LDAP_BIND_DN / _PASSWORD the service account that searches the directory (empty: anonymous)
    LDAP_USER_SEARCH_BASE    where the staff are, e.g. ou=staff,dc=city,dc=komae,dc=lg,dc=jp
    LDAP_USER_FILTER         (uid=%(user)s); Active Directory: (sAMAccountName=%(user)s)
    LDAP_START_TLS           true to upgrade ldap:// with StartTLS; LDAP_CA_CERT_FILE its CA
    LDAP_GROUP_SEARCH_BASE   where the groups are (needed for LDAP_ROLE_GROUPS)
    LDAP_GROUP_TYPE          groupOfNames (default), groupOfUniqueNames, posixGroup, activeDirectory
    LDAP_ROLE_GROUPS         optional role → group mapping (see role_groups)
    """
    uri = values.get("LDAP_SERVER_URI", "").strip()
    if not uri:
        return {}
    import ldap
    from django_auth_ldap.config import (
        GroupOfNamesType,
        GroupOfUniqueNamesType,
        LDAPSearch,
        NestedActiveDirectoryGroupType,
        PosixGroupType,
    )

    user_base = values.get("LDAP_USER_SEARCH_BASE", "").strip()
    if not user_base:
        raise ImproperlyConfigured("LDAP_USER_SEARCH_BASE: 職員を検索する場所（DN）を指定してください。")
    user_filter = values.get("LDAP_USER_FILTER", "").strip() or "(uid=%(user)s)"
    if "%(user)s" not in user_filter:
        raise ImproperlyConfigured("LDAP_USER_FILTER: 利用者名の位置に %(user)s を含めてください。")
    options = {
        ldap.OPT_REFERRALS: 0,  # Active Directory's referrals would be followed anonymously
        ldap.OPT_NETWORK_TIMEOUT: 5,
        ldap.OPT_TIMEOUT: 10,
    }
    ca_file = values.get("LDAP_CA_CERT_FILE", "").strip()
    if ca_file:
        options[ldap.OPT_X_TLS_CACERTFILE] = ca_file
        options[ldap.OPT_X_TLS_NEWCTX] = 0
    config = {
        "AUTH_LDAP_SERVER_URI": uri,
        "AUTH_LDAP_BIND_DN": values.get("LDAP_BIND_DN", "").strip(),
        "AUTH_LDAP_BIND_PASSWORD": values.get("LDAP_BIND_PASSWORD", ""),
        "AUTH_LDAP_START_TLS": _flag(values, "LDAP_START_TLS"),
        "AUTH_LDAP_CONNECTION_OPTIONS": options,
        "AUTH_LDAP_USER_SEARCH": LDAPSearch(user_base, ldap.SCOPE_SUBTREE, user_filter),
        # Names and mail as the directory has them, refreshed at every sign-in (家族名 = sn).
        "AUTH_LDAP_USER_ATTR_MAP": {"first_name": "givenName", "last_name": "sn", "email": "mail"},
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        "AUTH_LDAP_CACHE_TIMEOUT": 0,  # a group change in the directory counts at the next sign-in
        "LDAP_ROLE_GROUPS": role_groups(values.get("LDAP_ROLE_GROUPS", "")),
    }
    group_base = values.get("LDAP_GROUP_SEARCH_BASE", "").strip()
    group_type = values.get("LDAP_GROUP_TYPE", "").strip() or "groupOfNames"
    if group_type not in GROUP_TYPES:
        raise ImproperlyConfigured(f"LDAP_GROUP_TYPE: {', '.join(GROUP_TYPES)} のどれかを指定してください。")
    if group_base:
        object_class = {"activeDirectory": "group", "posixGroup": "posixGroup"}.get(group_type, group_type)
        config["AUTH_LDAP_GROUP_SEARCH"] = LDAPSearch(group_base, ldap.SCOPE_SUBTREE, f"(objectClass={object_class})")
        config["AUTH_LDAP_GROUP_TYPE"] = {
            "groupOfNames": GroupOfNamesType,
            "groupOfUniqueNames": GroupOfUniqueNamesType,
            "posixGroup": PosixGroupType,
            "activeDirectory": NestedActiveDirectoryGroupType,
        }[group_type]()
    elif config["LDAP_ROLE_GROUPS"]:
        raise ImproperlyConfigured("LDAP_ROLE_GROUPS を使うには LDAP_GROUP_SEARCH_BASE も指定してください。")
    return config

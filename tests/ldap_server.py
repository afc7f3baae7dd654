"""A real OpenLDAP server (slapd, installed by the Makefile) with a throwaway directory, for the tests
of directory sign-in: started on a free port of 127.0.0.1 with its database in a temporary folder,
filled with invented staff and groups, and stopped at the end.
"""

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import ldap
import ldap.modlist

SLAPD = shutil.which("slapd", path="/usr/sbin:/usr/bin:/sbin:/bin")
SUFFIX = "dc=city,dc=example,dc=jp"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PASSWORD = "root-secret-of-the-test-directory"
PEOPLE = f"ou=staff,{SUFFIX}"
GROUPS = f"ou=groups,{SUFFIX}"
# The service account the system searches with (LDAP_BIND_DN), as a city would give it.
SERVICE_DN = f"cn=komae-sns,{SUFFIX}"
SERVICE_PASSWORD = "service-account-password"

CONFIG = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {folder}/slapd.pid
database mdb
maxsize 10485760
suffix "{suffix}"
rootdn "{root_dn}"
rootpw {root_password}
directory {folder}/data
access to attrs=userPassword by anonymous auth by * none
access to * by dn.exact="{service_dn}" read by * none
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _entry(attrs: dict) -> list:
    return ldap.modlist.addModlist(
        {k: [v.encode() for v in (vs if isinstance(vs, list) else [vs])] for k, vs in attrs.items()}
    )


class Slapd:
    def __init__(self):
        if not SLAPD:
            raise RuntimeError("slapd is not installed: run `make setup` (scripts/apt-install.sh installs it)")
        self.folder = Path(tempfile.mkdtemp(prefix="slapd-"))
        (self.folder / "data").mkdir()
        self.port = _free_port()
        self.uri = f"ldap://127.0.0.1:{self.port}"
        (self.folder / "slapd.conf").write_text(
            CONFIG.format(
                folder=self.folder,
                suffix=SUFFIX,
                root_dn=ROOT_DN,
                root_password=ROOT_PASSWORD,
                service_dn=SERVICE_DN,
            )
        )
        self.process = None

    def __enter__(self):
        # -d 0: stay in the foreground (the test owns the process), log nothing.
        self.process = subprocess.Popen(  # our own server, fixed arguments
            [SLAPD, "-f", str(self.folder / "slapd.conf"), "-h", f"{self.uri}/", "-d", "0"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                self.admin().unbind_s()
                break
            except ldap.SERVER_DOWN:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"slapd did not start: {self.process.stderr.read()!r}") from None
                time.sleep(0.05)
        self._fill()
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)

    def admin(self):
        conn = ldap.initialize(self.uri)
        conn.simple_bind_s(ROOT_DN, ROOT_PASSWORD)
        return conn

    def _fill(self) -> None:
        conn = self.admin()
        conn.add_s(SUFFIX, _entry({"objectClass": ["dcObject", "organization"], "dc": "city", "o": "架空市"}))
        conn.add_s(
            SERVICE_DN,
            _entry(
                {
                    "objectClass": ["organizationalRole", "simpleSecurityObject"],
                    "cn": "komae-sns",
                    "userPassword": SERVICE_PASSWORD,
                }
            ),
        )
        for ou in ("staff", "groups"):
            conn.add_s(f"ou={ou},{SUFFIX}", _entry({"objectClass": "organizationalUnit", "ou": ou}))
        conn.unbind_s()

    def add_person(self, uid: str, password: str, *, family: str, given: str, mail: str = "") -> str:
        dn = f"uid={uid},{PEOPLE}"
        attrs = {
            "objectClass": "inetOrgPerson",
            "uid": uid,
            "cn": f"{family} {given}",
            "sn": family,
            "givenName": given,
            "userPassword": password,
        }
        if mail:
            attrs["mail"] = mail
        conn = self.admin()
        conn.add_s(dn, _entry(attrs))
        conn.unbind_s()
        return dn

    def add_group(self, cn: str, *members: str) -> str:
        dn = f"cn={cn},{GROUPS}"
        conn = self.admin()
        # groupOfNames needs a member: the group's own DN stays in it, so the last person can leave.
        conn.add_s(dn, _entry({"objectClass": "groupOfNames", "cn": cn, "member": [dn, *members]}))
        conn.unbind_s()
        return dn

    def remove_member(self, group_dn: str, member_dn: str) -> None:
        conn = self.admin()
        conn.modify_s(group_dn, [(ldap.MOD_DELETE, "member", [member_dn.encode()])])
        conn.unbind_s()

    def environment(self, **extra: str) -> dict[str, str]:
        """The environment a city would set for this directory (LDAP_* variables)."""
        return {
            "LDAP_SERVER_URI": self.uri,
            "LDAP_BIND_DN": SERVICE_DN,
            "LDAP_BIND_PASSWORD": SERVICE_PASSWORD,
            "LDAP_USER_SEARCH_BASE": PEOPLE,
            "LDAP_USER_FILTER": "(uid=%(user)s)",
            "LDAP_GROUP_SEARCH_BASE": GROUPS,
            **extra,
        }

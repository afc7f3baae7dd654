"""The client's address, as sign-in throttling and logs see it.

Behind the city's reverse proxy every request comes from the proxy's address. The header the proxy
sets (TRUSTED_PROXY_HEADER, e.g. X-Forwarded-For) is believed only when the request really comes
from one of TRUSTED_PROXIES; otherwise anyone could name any address in it and dodge the per-address
limit, or lock another address out.
"""

import ipaddress

from django.conf import settings


def _in_networks(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request) -> str:
    """REMOTE_ADDR, or the proxy's entry of the trusted header when the request comes from that proxy."""
    remote = request.META.get("REMOTE_ADDR", "")
    header = settings.TRUSTED_PROXY_HEADER
    if not header or not _in_networks(remote, settings.TRUSTED_PROXIES):
        return remote
    entries = [e.strip() for e in request.META.get(header, "").split(",") if e.strip()]
    # Each trusted proxy appends the address it saw: the client is that many entries from the end.
    count = settings.TRUSTED_PROXY_COUNT
    if len(entries) < count:
        return remote
    candidate = entries[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote

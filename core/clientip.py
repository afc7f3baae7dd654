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


def _as_client(address: str) -> str:
    """An IPv6 client is counted by its /64 (one subscriber line or LAN); IPv4-mapped as IPv4."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def client_ip(request) -> str:
    """REMOTE_ADDR, or the proxy's entry of the trusted header when the request comes from that proxy.

    An empty REMOTE_ADDR is a unix socket: only a process on this server (the proxy) can use it.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    header = settings.TRUSTED_PROXY_HEADER
    if not header or not (remote == "" or _in_networks(remote, settings.TRUSTED_PROXIES)):
        return _as_client(remote)
    entries = [e.strip() for e in request.META.get(header, "").split(",") if e.strip()]
    # Each trusted proxy appends the address it saw: the client is that many entries from the end.
    count = settings.TRUSTED_PROXY_COUNT
    if len(entries) < count:
        return _as_client(remote)
    candidate = entries[-count]
    try:
        return _as_client(str(ipaddress.ip_address(candidate)))
    except ValueError:
        return _as_client(remote)

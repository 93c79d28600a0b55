"""Where a harvest may connect: the host resolved once, every address checked (SSRF)."""

import ipaddress
import socket
from collections.abc import Iterable

from app.text import N_

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# NAT64 prefixes (RFC 6052, RFC 8215): the IPv4 address sits in the last 32 bits.
NAT64_WELL_KNOWN = ipaddress.ip_network("64:ff9b::/96")
NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")


class AddressRefused(Exception):
    """A host that resolves to an address the harvest must not reach, or does not resolve."""


def is_public(address: IPAddress) -> bool:
    """Tell whether an address is on the public Internet (neither private, loopback,
    link-local, multicast, reserved nor unspecified), looking inside IPv6 forms of IPv4."""
    embedded = embedded_ipv4(address)
    if embedded is not None:  # the IPv4 address is where the packets go
        return is_public(embedded)
    if address.version == 6 and address in NAT64_LOCAL:
        return False
    return address.is_global and not (
        address.is_multicast or address.is_reserved or address.is_unspecified)


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, NAT64), if any."""
    if address.version == 4:
        return None
    if address.ipv4_mapped or address.sixtofour:
        return address.ipv4_mapped or address.sixtofour
    if address in NAT64_WELL_KNOWN:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def resolve(host: str, port: int, allow_private: bool,
            allowed: Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network] = ()) -> list[str]:
    """The addresses to connect to for host, each one checked: the caller connects to these,
    never to the name again, so a second DNS answer cannot point elsewhere (rebinding)."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise AddressRefused(N_(
            "Le nom %(host)s est introuvable (échec de la résolution DNS) : vérifiez "
            "l'adresse de la source.", host=host)) from None
    addresses = list(dict.fromkeys(answer[4][0].split("%")[0] for answer in answers))
    if not allow_private:
        for address in addresses:
            check_public(host, ipaddress.ip_address(address), tuple(allowed))
    return addresses


def check_public(host: str, address: IPAddress, allowed: tuple) -> None:
    """Refuse a non-public address unless an allowed network holds it."""
    if is_public(address) or any(address in network for network in allowed
                                 if network.version == address.version):
        return
    raise AddressRefused(N_(
        "%(host)s mène à l'adresse %(address)s, qui est privée, locale ou réservée : Maillage "
        "ne s'y connecte pas, pour ne pas exposer le réseau de son serveur. Un administrateur "
        "peut l'autoriser pour cette source (« adresses privées ») s'il s'agit d'un serveur "
        "interne de confiance.", host=host, address=str(address)))


def allowed_networks(setting: str | Iterable[str] | None) -> tuple:
    """HARVEST_ALLOWED_NETWORKS read as networks (a comma-separated string or a list)."""
    if not setting:
        return ()
    items = setting.split(",") if isinstance(setting, str) else setting
    return tuple(ipaddress.ip_network(item.strip(), strict=False)
                 for item in items if item.strip())

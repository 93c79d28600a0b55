"""Fetch a harvest source's URL safely: public addresses only, each redirect checked, bounded
in time and size, conditional (ETag, Last-Modified).

Standard library only (http.client): the host is resolved here and the connection made to the
very address that was checked, with TLS still verified against the host's name.
"""

import http.client
import socket
import ssl
import time
import zlib
from contextlib import closing
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from flask import current_app

from app.harvest.addresses import AddressRefused, allowed_networks, resolve
from app.harvest.bodies import BodyRefused, read_capped
from app.text import N_

REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Characters left as they are in a path or query; anything else is percent-encoded, so a
# URL with spaces, accents or line breaks never reaches the request line raw.
URL_SAFE = "/%:@!$&'()*+,;=-._~?"


@dataclass(frozen=True)
class Fetched:
    """What a fetch brought: 200 with the body, or 304 (unchanged, empty body)."""

    status: int
    body: bytes
    etag: str | None
    last_modified: str | None
    url: str
    content_type: str | None


class FetchError(Exception):
    """A source that could not be fetched: str() is a French message for the source's page
    (an app.text.Message, translated where it is shown)."""


@dataclass(frozen=True)
class Limits:
    """What one fetch may do: until when, how many bytes, redirects and which addresses."""

    deadline: float
    seconds: float
    max_bytes: int
    max_redirects: int
    allow_private: bool
    allowed: tuple

    def left(self) -> float:
        """Seconds left before the deadline (TimeoutError when none)."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("deadline")
        return left


@dataclass(frozen=True)
class Target:
    """One URL taken apart for a request."""

    url: str
    scheme: str
    host: str
    port: int
    path: str

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


def fetch(url: str, *, etag: str | None = None, last_modified: str | None = None,
          allow_private: bool = False, timeout: float | None = None,
          max_bytes: int | None = None) -> Fetched:
    """GET url (following at most HARVEST_MAX_REDIRECTS redirects); raise FetchError.

    timeout bounds the whole fetch, redirects and body included (HARVEST_TIMEOUT seconds by
    default); max_bytes the decoded body (HARVEST_MAX_BYTES).
    """
    limits = limits_of(timeout, max_bytes, allow_private)
    conditional = conditional_headers(etag, last_modified)
    for _hop in range(limits.max_redirects + 1):
        target = parse_target(url)
        with closing(connect(target, limits)) as connection, closing(connection.sock) as sock:
            # http.client lets go of the socket once it has read a "close" response's head.
            with closing(send(connection, target, conditional, limits)) as response:
                location = response.getheader("Location")
                if response.status in REDIRECTS and location:
                    url = redirect_target(target, location)
                    continue
                return answer(target, sock, response, limits, (etag, last_modified))
    raise FetchError(N_("%(url)s redirige plus de %(max)s fois de suite : la source n'a pas "
                        "été lue.", url=shown(url), max=limits.max_redirects))


def limits_of(timeout: float | None, max_bytes: int | None, allow_private: bool) -> Limits:
    config = current_app.config
    seconds = float(timeout if timeout is not None else config["HARVEST_TIMEOUT"])
    return Limits(time.monotonic() + seconds, seconds,
                  int(max_bytes if max_bytes is not None else config["HARVEST_MAX_BYTES"]),
                  int(config["HARVEST_MAX_REDIRECTS"]), allow_private,
                  allowed_networks(config.get("HARVEST_ALLOWED_NETWORKS")))


def conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """If-None-Match and If-Modified-Since from the previous answer's validators."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def parse_target(url: str) -> Target:
    """Take an http(s) URL apart, refusing anything else with the reason."""
    try:
        parts = urlsplit(url.strip())
        port, host = parts.port, parts.hostname
        host = host if not host or host.isascii() else host.encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        raise invalid_url(url) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host:
        raise invalid_url(url)
    if parts.username is not None or parts.password is not None:
        raise FetchError(N_("L'adresse « %(url)s » contient un identifiant ou un mot de passe : "
                            "Maillage ne les envoie pas.", url=shown(url)))
    path = quote(parts.path or "/", safe=URL_SAFE)
    if parts.query:
        path += "?" + quote(parts.query, safe=URL_SAFE)
    return Target(url, scheme, host, port or (443 if scheme == "https" else 80), path)


def invalid_url(url: str) -> FetchError:
    return FetchError(N_("« %(url)s » n'est pas une adresse web valide : elle doit commencer par "
                         "http:// ou https:// suivi du nom du serveur.", url=shown(url)))


def connect(target: Target, limits: Limits) -> http.client.HTTPConnection:
    """A connection to one of the checked addresses of the target's host."""
    with failures(target, limits):
        addresses = resolve(target.host, target.port, limits.allow_private, limits.allowed)
        sock = first_connection(addresses, target.port, limits)
        if target.scheme == "https":
            try:
                sock = ssl.create_default_context().wrap_socket(sock, server_hostname=target.host)
            except BaseException:
                sock.close()
                raise
    connection = http.client.HTTPConnection(target.host, target.port)
    connection.sock = sock  # already connected: http.client will not resolve the name again
    return connection


def first_connection(addresses: list[str], port: int, limits: Limits) -> socket.socket:
    """Connect to the first address that answers, in the resolver's order."""
    error: OSError = ConnectionRefusedError("no address")
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout=limits.left())
        except OSError as refused:
            error = refused
    raise error


def send(connection: http.client.HTTPConnection, target: Target, conditional: dict[str, str],
         limits: Limits) -> http.client.HTTPResponse:
    """Send the GET and read the status line and headers."""
    headers = {"Host": target.host_header, "User-Agent": user_agent(), "Accept": "*/*",
               "Accept-Encoding": "gzip, deflate", "Connection": "close", **conditional}
    with failures(target, limits):
        connection.sock.settimeout(limits.left())
        connection.request("GET", target.path, headers=headers)
        connection.sock.settimeout(limits.left())
        return connection.getresponse()


def user_agent() -> str:
    """Maillage, and where to find the instance that asks."""
    public_url = current_app.config.get("PUBLIC_URL")
    return "Maillage (moissonnage" + (f"; +{public_url})" if public_url else ")")


def redirect_target(target: Target, location: str) -> str:
    """The absolute URL a redirect leads to, refused unless http(s)."""
    url = urljoin(target.url, location.strip())
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise FetchError(N_("%(url)s redirige vers « %(target)s », qui n'est pas une adresse "
                            "http:// ou https:// : redirection refusée.",
                            url=shown(target.url), target=shown(url)))
    return url


def answer(target: Target, sock: socket.socket, response: http.client.HTTPResponse, limits: Limits,
           validators: tuple[str | None, str | None]) -> Fetched:
    """The final response as a Fetched, or its status as a FetchError."""
    etag, last_modified = response.getheader("ETag"), response.getheader("Last-Modified")
    content_type = response.getheader("Content-Type")
    if response.status == 304 and any(validators):
        return Fetched(304, b"", etag or validators[0], last_modified or validators[1],
                       target.url, content_type)
    if response.status != 200:
        raise FetchError(status_message(target.url, response.status))
    with failures(target, limits):
        body = read_capped(response, sock, limits.deadline, limits.max_bytes)
    return Fetched(200, body, etag, last_modified, target.url, content_type)


def status_message(url: str, status: int):
    """What an HTTP error status means for the source, in words."""
    values = {"url": shown(url), "status": status}
    if status in (404, 410):
        return N_("%(url)s est introuvable (HTTP %(status)s) : le fichier a été déplacé ou "
                  "retiré de la source ; vérifiez son adresse.", **values)
    if status in (401, 403):
        return N_("%(url)s refuse l'accès (HTTP %(status)s) : le fichier n'est pas public.",
                  **values)
    if status >= 500:
        return N_("Le serveur de %(url)s est en erreur (HTTP %(status)s) : nouvel essai au "
                  "prochain passage.", **values)
    return N_("%(url)s répond HTTP %(status)s au lieu du fichier attendu.", **values)


class failures:  # noqa: N801 (used as a context manager, like contextlib's)
    """Turn what can go wrong on the network into a FetchError saying it in words."""

    def __init__(self, target: Target, limits: Limits):
        self.target, self.limits = target, limits

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if error is None or isinstance(error, FetchError) or not isinstance(error, Exception):
            return False
        raise FetchError(network_message(error, self.target, self.limits)) from error


def network_message(error: Exception, target: Target, limits: Limits):
    """The French message of a network failure."""
    url, host = shown(target.url), target.host
    if isinstance(error, AddressRefused | BodyRefused):
        return error.args[0]
    if isinstance(error, TimeoutError):
        return N_("%(url)s n'a pas répondu en entier dans le délai de %(seconds)s secondes "
                  "(réglage HARVEST_TIMEOUT) : le serveur est trop lent ou injoignable.",
                  url=url, seconds=f"{limits.seconds:g}")
    if isinstance(error, ssl.SSLError | ssl.CertificateError):
        return N_("La connexion sécurisée à %(host)s a échoué : certificat invalide ou expiré, "
                  "ou chiffrement refusé.", host=host)
    if isinstance(error, http.client.HTTPException | zlib.error):
        return N_("%(host)s a envoyé une réponse invalide ou incomplète (connexion coupée, "
                  "contenu tronqué ou illisible).", host=host)
    return N_("Impossible de joindre %(host)s : le serveur ne répond pas ou refuse la "
              "connexion.", host=host)


def shown(url: str) -> str:
    """A URL short enough for a message."""
    url = url.strip()
    return url if len(url) <= 200 else url[:199] + "…"

"""A response body read up to a cap, decoded (gzip, deflate) as it arrives."""

import http.client
import time
import zlib

from app.text import N_, Message

CHUNK = 64 * 1024


class BodyRefused(Exception):
    """A body that is too large, truncated or encoded in a way Maillage cannot read."""


class Decoder:
    """Content-Encoding undone chunk by chunk, never producing more than asked for."""

    def __init__(self, encoding: str | None):
        encoding = (encoding or "identity").strip().lower()
        # 16 + MAX_WBITS: a gzip header; MAX_WBITS: zlib's, as HTTP "deflate" means.
        wbits = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS,
                 "deflate": zlib.MAX_WBITS}.get(encoding)
        if wbits is None and encoding != "identity":
            raise BodyRefused(N_("Le contenu est encodé en « %(encoding)s », que Maillage ne "
                                 "sait pas lire.", encoding=encoding[:40]))
        self.inflater = zlib.decompressobj(wbits) if wbits else None

    def feed(self, data: bytes, room: int) -> bytes:
        """Decode data, at most room bytes (more would be over the cap anyway)."""
        if self.inflater is None:
            return data
        return self.inflater.decompress(data, room)

    def check_complete(self) -> None:
        """Refuse a compressed body cut before its end."""
        if self.inflater is not None and not self.inflater.eof:
            raise zlib.error("truncated")


def read_capped(response: http.client.HTTPResponse, sock, deadline: float,
                max_bytes: int) -> bytes:
    """The decoded body, refused as soon as it passes max_bytes: never more is read.

    Each read waits at most until the deadline, so a server sending a byte at a time cannot
    hold the harvest longer than its timeout.
    """
    declared = response.getheader("Content-Length", "")
    encoded = response.getheader("Content-Encoding")
    if not encoded and declared.isdigit() and int(declared) > max_bytes:
        raise too_large(max_bytes)
    decoder, body, received = Decoder(encoded), bytearray(), 0
    while chunk := read_chunk(response, sock, deadline):
        received += len(chunk)
        body += decoder.feed(chunk, max_bytes + 1 - len(body))
        # The wire bytes too: a compressed body barely larger than what it decodes to.
        if len(body) > max_bytes or received > max_bytes + max_bytes // 16 + CHUNK:
            raise too_large(max_bytes)
    if response.length:  # fewer bytes than Content-Length announced
        raise http.client.IncompleteRead(bytes(body), response.length)
    decoder.check_complete()
    return bytes(body)


def read_chunk(response: http.client.HTTPResponse, sock, deadline: float) -> bytes:
    """The next bytes of the body, waiting no later than the deadline."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("deadline")
    sock.settimeout(left)
    return response.read1(CHUNK)


def too_large(max_bytes: int) -> BodyRefused:
    return BodyRefused(size_message(max_bytes))


def size_message(max_bytes: int) -> Message:
    return N_("Le fichier dépasse %(max)s octets, la taille maximale d'un moissonnage "
              "(réglage HARVEST_MAX_BYTES) : la lecture a été arrêtée là.",
              max=f"{max_bytes:,}".replace(",", "\u202f"))

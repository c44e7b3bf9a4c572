"""Pictures we accept: JPEG or PNG, told by their first bytes (never by a name or a header
the browser chose), and no larger than a phone on a weak connection should send."""

MAX_IMAGE_BYTES = 2 * 1024 * 1024
SIGNATURES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


class BadImage(ValueError):
    """The upload is not a picture we keep. `code` names why (the caller's page words it in
    their language); the message says it in English for staff and API clients."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def checked_type(data: bytes) -> str:
    """The image's content type, or BadImage."""
    if not data:
        raise BadImage("empty", "No picture was received.")
    if len(data) > MAX_IMAGE_BYTES:
        raise BadImage("too_large", "The picture is too large (at most 2 MB).")
    for signature, content_type in SIGNATURES.items():
        if data.startswith(signature):
            return content_type
    raise BadImage("not_an_image", "Only JPEG or PNG pictures can be sent.")


# Room for the multipart envelope around a picture at the size limit.
ENVELOPE_BYTES = 64 * 1024


def uploaded_image(request, field: str) -> bytes:
    """The posted picture's bytes, refusing an oversize body before reading it."""
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_IMAGE_BYTES + ENVELOPE_BYTES:
        raise BadImage("too_large", "The picture is too large (at most 2 MB).")
    upload = request.FILES.get(field)
    return upload.read(MAX_IMAGE_BYTES + 1) if upload is not None else b""

"""Attachments (type and size checked, EXIF stripped) and alert housekeeping."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.appeals import rules
from gonghui.appeals.choices import (
    EventKind,
)
from gonghui.appeals.models import (
    Appeal,
    AppealAlert,
    AppealAttachment,
)
from gonghui.appeals.services.common import (
    _event,
    _require,
)
from gonghui.core.images import NotAnImage, strip_metadata

# --- attachments -----------------------------------------------------------------------------


def _strip_exif(data: bytes, extension: str) -> bytes:
    """Re-encode the pixels only, so no EXIF (GPS location, device) survives."""
    try:
        return strip_metadata(data, fmt="PNG" if extension == "png" else "JPEG")[0]
    except NotAnImage:
        raise ValidationError({"files": _("Files: %(name)s is not a readable image.")}) from None


def attachment_add(
    *, actor: Any, appeal: Appeal, upload: Any, public: bool = False
) -> AppealAttachment:
    """One photo or document: jpg/png/pdf, at most 10 MB, at most 4 per appeal, EXIF stripped."""
    if actor is not None:
        _require(actor, "appeal.view", appeal)
    name = getattr(upload, "name", "file")[-200:]
    extension = rules.upload_extension(name)
    if extension not in rules.ALLOWED_UPLOADS:
        raise ValidationError(
            {
                "files": _("Files: %(name)s — only JPG, PNG or PDF files are accepted.")
                % {"name": name}
            }
        )
    if upload.size > rules.MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            {"files": _("Files: %(name)s is larger than 10 MB.") % {"name": name}}
        )
    if appeal.attachments.count() >= rules.MAX_ATTACHMENTS:
        raise ValidationError(
            {"files": _("Files: at most %(n)d files per appeal.") % {"n": rules.MAX_ATTACHMENTS}}
        )
    data = upload.read()
    if extension in rules.IMAGE_EXTENSIONS:
        try:
            data = _strip_exif(data, extension)
        except ValidationError as error:
            raise ValidationError(
                {"files": _("Files: %(name)s is not a readable image.") % {"name": name}}
            ) from error
    elif not data.startswith(b"%PDF"):
        raise ValidationError(
            {"files": _("Files: %(name)s is not a PDF document.") % {"name": name}}
        )
    attachment = AppealAttachment(
        appeal=appeal,
        original_name=name,
        content_type=rules.ALLOWED_UPLOADS[extension],
        size=len(data),
        public=public,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    attachment.file.save(f"{appeal.pk}.{extension}", ContentFile(data), save=False)
    attachment.save()
    _event(appeal, EventKind.ATTACHMENT, actor=actor, message=name, public=public)
    return attachment


@transaction.atomic
def alert_mark_read(*, actor: Any, alert_id: int) -> bool:
    """Only the alert's own user can mark it; False (→ 404) for anybody else's."""
    if not AppealAlert.objects.filter(pk=alert_id, user=actor).exists():
        return False
    AppealAlert.objects.filter(pk=alert_id, read_at__isnull=True).update(read_at=timezone.now())
    return True

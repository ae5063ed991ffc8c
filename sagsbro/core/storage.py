"""Where stored files live: local files (the demo), or an S3-compatible bucket in production.

The settings call `default_storage_settings(os.environ)` for `STORAGES["default"]`. With
`SAGSBRO_S3_BUCKET` set, documents go to that bucket through django-storages' S3 backend; the
rest of the code only ever uses Django's storage API (`default_storage`), so it runs the same
on both.

Objects are private and never linked to: every document is served through the access-checked,
audited views, which read the bytes from the bucket themselves. So no URL to the bucket,
signed or not, is made (`querystring_auth` off, private ACL).
"""

from collections.abc import Mapping
from typing import Any

LOCAL_BACKEND = "django.core.files.storage.FileSystemStorage"
S3_BACKEND = "storages.backends.s3.S3Storage"

# An object read back past this size spools to a temporary file instead of memory, so a case
# file opening many documents at once does not hold them all in memory.
S3_MAX_MEMORY_BYTES = 1024 * 1024


def default_storage_settings(environ: Mapping[str, str]) -> dict[str, Any]:
    """`STORAGES["default"]` from the environment: S3 when `SAGSBRO_S3_BUCKET` is set."""
    bucket = environ.get("SAGSBRO_S3_BUCKET", "").strip()
    if not bucket:
        return {"BACKEND": LOCAL_BACKEND}
    endpoint = environ.get("SAGSBRO_S3_ENDPOINT_URL", "").strip()
    acl = environ.get("SAGSBRO_S3_ACL", "private").strip()
    options: dict[str, Any] = {
        "bucket_name": bucket,
        # Names are the content's SHA-256 (documents.services.store_blob), so a name that
        # exists holds the same bytes: writing it again changes nothing, and the storage need
        # not ask the bucket for a free name first.
        "file_overwrite": True,
        "querystring_auth": False,
        # "none" for buckets with ACLs disabled (AWS's default, "bucket owner enforced"),
        # which refuse any ACL but the owner's; their bucket policy keeps them private.
        "default_acl": None if acl.lower() == "none" else acl,
        "max_memory_size": S3_MAX_MEMORY_BYTES,
    }
    if endpoint:
        options["endpoint_url"] = endpoint
        # MinIO and most other S3-compatible servers answer at one host name, not one per
        # bucket.
        options["addressing_style"] = "path"
    for variable, option in (
        ("SAGSBRO_S3_ACCESS_KEY_ID", "access_key"),
        ("SAGSBRO_S3_SECRET_ACCESS_KEY", "secret_key"),
        ("SAGSBRO_S3_REGION", "region_name"),
    ):
        # Unset: boto3's own chain (AWS_* variables, an instance or pod role).
        value = environ.get(variable, "").strip()
        if value:
            options[option] = value
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}

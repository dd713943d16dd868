"""A mongofw auth mechanism taking the password from a file or environment variable."""
from mongofw_credential_provider.plugin import (
    MECHANISM,
    authenticate_with_provider,
    read_secret,
    validate,
)

__all__ = ["MECHANISM", "authenticate_with_provider", "read_secret", "validate"]

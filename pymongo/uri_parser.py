"""Parse MongoDB connection strings (see :mod:`mongofw.options.uri_parser`)."""
from mongofw.options.uri_parser import (
    DEFAULT_PORT,
    SCHEME,
    SCHEME_LEN,
    SRV_SCHEME,
    SRV_SCHEME_LEN,
    parse_host,
    parse_ipv6_literal_host,
    parse_uri,
    parse_userinfo,
    split_hosts,
    split_options,
    validate_options,
)

__all__ = ["DEFAULT_PORT", "SCHEME", "SCHEME_LEN", "SRV_SCHEME", "SRV_SCHEME_LEN", "parse_host",
           "parse_ipv6_literal_host", "parse_uri", "parse_userinfo", "split_hosts",
           "split_options", "validate_options"]

"""Credentials, and the default authentication mechanisms registered through the
``default_auth`` plugin.

:mod:`~mongofw.auth.credentials` holds the credential values the options layer builds.
Importing this package loads nothing else: the mechanisms live in their own modules
(:mod:`~mongofw.auth.scram`, :mod:`~mongofw.auth.plain`, ...) and reach clients only
through the plugin registry (``mongofw_auth_mechanisms``).  Third-party mechanisms can
reuse :func:`mongofw.auth.scram.authenticate_scram` and the helpers of
:mod:`mongofw.auth.conversation`.
"""

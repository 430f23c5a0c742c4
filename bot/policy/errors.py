"""Errors raised by the issuer policy layer."""


class PolicyError(ValueError):
    """Base class for every error raised by ``bot.policy``."""


class PolicyFileError(PolicyError):
    """The policy file is missing, unreadable or invalid.

    The message names the file and the offending key, e.g.
    ``policy.yml: installments.monthly_fee_rate_percent.5: rate must not be negative``.
    """


class UnknownTenorError(PolicyError):
    """A tenor was requested that the policy does not offer."""


class InvalidAmountError(PolicyError):
    """A money amount is not usable (not positive, not whole cents, or too small to split)."""

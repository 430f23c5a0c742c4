"""Persistence: SQLAlchemy 1.4 (2.0 style) models, repositories and Alembic migrations.

Modules: ``settings`` (engine, sessions; the URL comes from :mod:`bot.settings`), ``models``,
``types``, ``repositories``, ``verification`` (identity check and lockout), ``masking`` (PII),
``migrate`` (Alembic from Python), ``demo`` (demo borrowers). Importing this package does no I/O.
"""

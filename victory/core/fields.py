"""Encrypted model fields (filled in by the crypto work)."""

from django.db import models


class EncryptedTextField(models.TextField):
    pass


class EncryptedJSONField(models.TextField):
    pass


class EncryptedFileField(models.FileField):
    pass

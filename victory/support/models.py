"""The support-service directory: who offers what help, where, in which languages.

Everything here is public information about services (never about a victim), so it is
stored in clear. A service is shown only once published; ``last_reviewed_on`` tells
readers how fresh it is. Texts that readers read in their language live in
``SupportServiceTranslation``, one row per language.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from victory.accounts.models import Organisation

# What a service offers is part of the shared vocabulary of needs (core.vocabulary).
from victory.core.vocabulary import ServiceOffer as ServiceOffer


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    CHAT = "chat", _("Chat")
    IN_PERSON = "in_person", _("In person")


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class SupportService(models.Model):
    slug = models.SlugField(_("short name in the address"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    organisation_name = models.CharField(_("organisation"), max_length=200)
    # Set when the organisation also works on this platform (e.g. receives reports).
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="support_services"
    )
    country = models.CharField(_("country"), max_length=2, db_index=True)
    region = models.CharField(_("region or town"), max_length=120, blank=True)
    offers = models.JSONField(_("what they offer"), default=list)  # ServiceOffer codes
    groups = models.JSONField(_("groups they specialise in"), default=list)  # BiasMotivation codes
    languages = models.JSONField(_("languages spoken"), default=list)  # ISO 639-1 codes
    channels = models.JSONField(_("how to reach them"), default=list)  # Channel codes
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    is_free = models.BooleanField(_("free of charge"), default=True)
    accepts_reports_via_victory = models.BooleanField(_("accepts reports through VicTory"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT, db_index=True
    )
    last_reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    is_fictional = models.BooleanField(_("fictional (demo data)"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["country", "region", "name"]
        verbose_name = _("support service")
        verbose_name_plural = _("support services")

    def __str__(self) -> str:
        return self.name


class SupportServiceTranslation(models.Model):
    """What a reader reads about a service, in one language."""

    service = models.ForeignKey(SupportService, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=10)
    description = models.TextField(_("description"))
    opening_hours = models.TextField(_("opening hours"), blank=True)
    accessibility = models.TextField(_("accessibility"), blank=True)

    class Meta:
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [models.UniqueConstraint(fields=["service", "language"], name="one_translation_per_language")]

    def __str__(self) -> str:
        return f"{self.service} ({self.language})"


class ContentKind(models.TextChoices):
    RIGHT = "right", _("Your rights")
    EXPLAINER = "explainer", _("Explainer")


class ContentPage(models.Model):
    """A rights page (Directive 2012/29/EU Art. 4(1) a–k) or an explainer; its texts are
    per language in ``ContentTranslation``, its country notes in ``CountryNote``."""

    slug = models.SlugField(_("short name in the address"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ContentKind.choices)
    right_letter = models.CharField(_("Art. 4(1) point"), max_length=1, blank=True)
    # The directory filter that fits the page best, for its "find a service" link.
    need = models.CharField(_("related need"), max_length=20, choices=ServiceOffer.choices, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["kind", "order", "slug"]
        verbose_name = _("content page")
        verbose_name_plural = _("content pages")

    def __str__(self) -> str:
        return self.slug


class ContentTranslation(models.Model):
    """A page's text in one language: drafted, reviewed and published on its own."""

    page = models.ForeignKey(ContentPage, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=10)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=400, blank=True)
    # Plain text: blank lines between paragraphs, "## " subheadings, "- " list items.
    body = models.TextField(_("text"))
    what_you_can_do = models.TextField(_("what you can do now"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    last_reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("page translation")
        verbose_name_plural = _("page translations")
        constraints = [models.UniqueConstraint(fields=["page", "language"], name="one_page_text_per_language")]

    def __str__(self) -> str:
        return f"{self.page} ({self.language})"


class CountryNote(models.Model):
    """What differs in one country, added and reviewed by administrators: the platform
    ships none it cannot source, and each note shows its source and review date."""

    page = models.ForeignKey(ContentPage, on_delete=models.CASCADE, related_name="country_notes")
    country = models.CharField(_("country"), max_length=2)
    language = models.CharField(_("language"), max_length=10)
    text = models.TextField(_("text"))
    source = models.CharField(
        _("source"), max_length=500, help_text=_("Where this comes from: a law, an official page.")
    )
    last_reviewed_on = models.DateField(_("last reviewed on"))
    status = models.CharField(
        _("status"), max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )

    class Meta:
        ordering = ["country", "language"]
        verbose_name = _("country note")
        verbose_name_plural = _("country notes")

    def __str__(self) -> str:
        return f"{self.page} {self.country} ({self.language})"


class SearchEntry(models.Model):
    """One published page or service in one language, as the site search reads it: the
    word stems of its title and of its text (see ``victory.support.search``), and the
    plain text an excerpt is cut from. Rebuilt by the services whenever the page or
    service is written, and by ``manage.py rebuild_search_index``. Public text only."""

    page = models.ForeignKey(
        ContentPage, null=True, blank=True, on_delete=models.CASCADE, related_name="search_entries"
    )
    service = models.ForeignKey(
        SupportService, null=True, blank=True, on_delete=models.CASCADE, related_name="search_entries"
    )
    language = models.CharField(_("language"), max_length=10, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    # Stems separated by single spaces, with a space at each end, so that " stem" finds
    # every token starting with it on SQLite and PostgreSQL alike.
    title_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "language"], condition=models.Q(page__isnull=False), name="one_search_entry_per_page"
            ),
            models.UniqueConstraint(
                fields=["service", "language"],
                condition=models.Q(service__isnull=False),
                name="one_search_entry_per_service",
            ),
            models.CheckConstraint(
                condition=models.Q(page__isnull=False, service__isnull=True)
                | models.Q(page__isnull=True, service__isnull=False),
                name="search_entry_is_a_page_or_a_service",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


class HelplineStatus(models.TextChoices):
    AVAILABLE = "available", _("Works in this country")
    NOT_AVAILABLE = "not_available", _("Not available in this country yet")
    UNKNOWN = "unknown", _("Not known")


class HelplineAvailability(models.Model):
    """Whether the EU victims' helpline 116 006 answers in one country: content, with the
    source it comes from and when someone last checked it. Pages show the number for a
    chosen country only when it is known to work there."""

    country = models.CharField(_("country"), max_length=2, unique=True)
    status = models.CharField(
        _("116 006 in this country"), max_length=15, choices=HelplineStatus.choices, default=HelplineStatus.UNKNOWN
    )
    source = models.CharField(
        _("source"), max_length=500, help_text=_("Where this comes from: a law, an official page.")
    )
    last_reviewed_on = models.DateField(_("last reviewed on"))

    class Meta:
        ordering = ["country"]
        verbose_name = _("116 006 availability")
        verbose_name_plural = _("116 006 availability")

    def __str__(self) -> str:
        return f"116 006 {self.country}: {self.status}"

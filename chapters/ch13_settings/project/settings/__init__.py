"""The project's settings modules: --settings=settings.setting (development) or
--settings=settings.setting_online (behind a proxy in production)."""

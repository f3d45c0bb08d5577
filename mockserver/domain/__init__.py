"""Domain rules: authentication, rights, validation, server-set fields and cascades."""

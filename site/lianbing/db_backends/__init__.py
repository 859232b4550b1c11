"""Database backends of the project (Django loads `<ENGINE>.base`)."""

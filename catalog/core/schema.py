"""The version of the stored and exported data; readers refuse a newer one."""

SCHEMA_VERSION = 1

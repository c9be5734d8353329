"""Helpers the tests and bench/ share: fakes speaking FreeSWITCH's wire protocol, the captured
FreeSWITCH traffic and its loaders, services run for real (S3, SMTP), scenario and directory
builders. Nothing here is a test; bench/ imports from here, never from a test module."""

"""Readers and writers: the submission template, RDF files, ESCO and the national registers."""

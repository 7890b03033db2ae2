"""Analyses over extracted records and the store."""

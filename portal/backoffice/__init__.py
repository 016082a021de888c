"""Delivering accepted applications' case documents to the service center's back office."""

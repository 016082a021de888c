"""Printable documents: PDF receipts and notices."""

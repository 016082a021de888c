"""Working days and legal deadlines (Administrative Licensing Law Art. 82; Civil Code Art. 201)."""

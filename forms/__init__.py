"""WTForms form classes, one module per area of the portal, on one base form."""

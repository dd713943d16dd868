"""mongofw-fraction-codec: ``fractions.Fraction`` as a BSON marker sub-document."""

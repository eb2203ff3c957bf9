"""Excel in and out: the standard workbook, reading it back, roll-ups."""

"""`make bench`: the workbook's speed claims, measured on this machine, side by side."""

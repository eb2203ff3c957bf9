"""Documents: Word (docxtpl) and PowerPoint (python-pptx)."""

"""hpdocs: the patient-safety action plan from spreadsheets to signed documents."""

__version__ = "0.1.0"

"""Helpers the flow tests share: a generated archive, a run without Prefect, and the
accounting that checks an output folder."""

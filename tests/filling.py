"""The tests fill templates with the same code as the demo."""

from pipeline.template.sample import fill_template, sample_answers

__all__ = ["fill_template", "sample_answers"]

"""The one Jinja2 environment for posters: templates beside this module, autoescape always on.

Built once on first use (templates are compiled then and cached), never per request.
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

TEMPLATES = Path(__file__).with_name("templates")


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        # Every template is HTML or SVG: escape everything that is not marked safe, whatever
        # the file name says.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_escape,
    )


def _escape(value: Any) -> Any:
    """Escape text as `html.escape` does (`&quot;`, `&#x27;`), the form the posters always had;
    autoescape then leaves the Markup alone. Markup from a template passes unchanged."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return Markup(html.escape(value))
    return value


def render(template: str, **values: Any) -> str:
    return environment().get_template(template).render(**values)


def safe(markup: str) -> Markup:
    """Markup made by one of these templates, to embed in another without escaping it twice."""
    return Markup(markup)

"""The web console for IT (`admin`) and team leads, served by the sync server at /console/.

Server-rendered pages (Jinja2) and plain HTML forms: every page works without JavaScript.
Kept out of the JSON API's OpenAPI document (include_in_schema=False), so the API's
contract and its schemathesis run are unchanged by it. docs/CONSOLE.md describes it.
"""

from sync.server.console.mount import mount
from sync.server.console.web import PREFIX

__all__ = ["PREFIX", "mount"]

"""The layer every blueprint may use and none owns (Indico's indico/web is the model).

Labels of codes, Markdown, map builders, URLs, the initiative form and its checks,
permissions, HTTP and JSON response helpers, error handlers, the history's display,
templating and security headers. It imports the core (initiatives, geo, models), never a
blueprint.
"""

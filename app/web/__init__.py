"""What every blueprint may use and none owns: labels, Markdown, maps, the initiative form and
its checks, permissions, HTTP and JSON response helpers, error handlers, templating."""

"""The web portal: server-rendered pages for call handling and ring groups."""

"""Thin views: parse the request, call a data module, render a template or JSON."""

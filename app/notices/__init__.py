"""Printable notices (文书): fonts, the GB/T 9704 page layout, wording templates and PDF output.

Nothing here touches the database: ``app.services.notices`` gathers a matter's facts, fills the
wording templates and hands the resulting blocks to ``render.render_pdf``.
"""

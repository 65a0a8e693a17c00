"""The live board (`salesflow serve`): the meeting in the office's browsers.

`command` the CLI command, `app` the routes, `access` codes/sessions/CSRF/rate limit,
`watch` what sets a sync off, `board` the meeting as the pages show it; `templates/`
and `static/` (ECharts vendored, never from a CDN) are the pages themselves.
"""

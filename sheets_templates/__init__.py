"""The domain: what each register holds, how typed values read, and the business rules.

Nothing here touches files, the network or a spreadsheet program; `sync` and
`addin` build on it, never the other way round.
"""

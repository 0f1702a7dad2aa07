"""The bottom of the engine, knowing nothing of policies: errors and how they are told,
settings, the verified store (bytes in, hash out; every read checked), worker processes,
and the memo of results kept in the store or computed by the workers.

In: settings from an adapter; bytes and keys from the layers above. Out: `PolicyError` and
`Problem`s, stored bytes, results.
"""

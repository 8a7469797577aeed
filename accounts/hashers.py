"""The password hasher of the service: Argon2id at OWASP's recommended configuration.

Django's own Argon2 parameters (RFC 9106's second choice: 100 MiB, 2 passes, 8 lanes) cost as much as PBKDF2's
million rounds on the offices' 2-CPU servers — 0.5–0.9 s a login (docs/benchmarks.md) — and 100 MiB of memory
per login in each worker. OWASP's Password Storage Cheat Sheet gives equivalent Argon2id configurations; its first,
19 MiB with 2 passes and 1 lane, costs about a tenth of that here. Same algorithm name and hash format as Django's
(the parameters are stored in each hash), so Django's hasher verifies these hashes and each one is rehashed at its
owner's next login whenever the parameters below change.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher as DjangoArgon2PasswordHasher


class Argon2PasswordHasher(DjangoArgon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1

"""``mtqa backfill``: check a whole archive on Ray, resumably.

The parts, each engine-agnostic except the one that names Ray:

* :mod:`mtqa.backfill.sources` — list the inputs and cut them into
  deterministic shards (JSONL line ranges, Parquet row ranges, groups of
  wire/text files), and read one shard back as documents;
* :mod:`mtqa.backfill.rows` — a checked shard as flat rows: one per finding,
  one per unreadable record;
* :mod:`mtqa.backfill.shards` — write a shard's rows atomically (JSONL or
  Parquet) and keep the ``_done`` manifest that makes a re-run skip finished
  shards;
* :mod:`mtqa.backfill.ray_engine` — check shards in a pool of Ray actors, each
  building one :class:`~mtqa.checker.Checker`, fed by the driver one shard ahead;
* :mod:`mtqa.backfill.job` — the run: plan, skip what is done, check the
  rest, retry shards that did not finish, write ``summary.json``.
"""

RAY_HINT = "pip install 'mtqa[ray]'"

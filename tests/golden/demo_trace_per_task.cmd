trace "2026-11-25 12:00:01,234 INFO pipeline.search: search done: query='rate limits' docs=3" corpus/demo

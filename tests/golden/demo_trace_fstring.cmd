trace "summarized chunk 7 (400 chars -> 286 chars)" corpus/demo

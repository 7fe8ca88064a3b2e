report --log corpus/demos/extract/run/app.jsonl --rss corpus/demos/extract/run/rss.log corpus/demos/extract

report --log corpus/demos/embed/run/app.jsonl --rss corpus/demos/embed/run/rss.log corpus/demos/embed

report --format json --log corpus/demos/extract/run/app.log --rss corpus/demos/extract/run/rss.log corpus/demos/extract

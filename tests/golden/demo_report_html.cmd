report --format html --log corpus/demo/run/run.log --rss corpus/demo/run/rss.log corpus/demo

report --log corpus/demos/embed/run/app.log --rss corpus/demos/embed/run/rss.log corpus/demos/embed

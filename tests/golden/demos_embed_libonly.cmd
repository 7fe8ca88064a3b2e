report --log corpus/demos/embed/run/app-libonly.log --rss corpus/demos/embed/run/rss-libonly.log corpus/demos/embed

report --log corpus/demos/stall/run/app.log corpus/demos/stall

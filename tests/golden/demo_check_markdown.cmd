check --format markdown corpus/demo

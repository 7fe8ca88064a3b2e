check --format sarif corpus/demo

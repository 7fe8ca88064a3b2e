check --format github corpus/demo

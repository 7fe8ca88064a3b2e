map corpus/demo

check --select FAN9 corpus/demo

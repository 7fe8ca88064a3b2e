check --format json corpus/rules/FAN601/pos_shared_history.py

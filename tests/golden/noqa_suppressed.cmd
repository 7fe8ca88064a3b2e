check --show-suppressed corpus/rules/FAN900

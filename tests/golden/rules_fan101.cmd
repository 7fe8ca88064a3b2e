rules FAN101

trace "Starting search phase" corpus/demo

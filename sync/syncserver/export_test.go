package syncserver

// WaitingPushes is the number of pushes waiting for the batch before them.
func WaitingPushes() int64 { return waiting.Load() }

package sqlitefile

// CheckpointRuns is how many checkpoints c has made.
func CheckpointRuns(c *Checkpointer) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.runs
}

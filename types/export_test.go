package types

// ForgetSender drops tx's cached sender, so that the next Sender call
// recovers it again (for benchmarks of the recovery itself).
func ForgetSender(tx *Transaction) { tx.sender.Store(nil) }

// Package exec turns transaction execution into block execution: protocol
// functions shared by the block processor and the test runners (the EIP-4844
// blob base fee, ...). Chain configuration, the sequential and parallel block
// processors, system calls, withdrawals and requests will live here.
package exec

// Package exec turns transaction execution into block execution: the chain
// configuration and its per-EIP rules, the genesis block, header and body
// validation, protocol functions shared by the block processor and the test
// runners (the EIP-1559 base fee, the EIP-4844 blob base fee and excess blob
// gas), the sequential and parallel block processors, system calls,
// withdrawals and requests.
//
// # Chain configuration
//
// [Config] says when each fork activates: the pre-merge forks by block
// number (kept so that real genesis files load; balexec does not run their
// rules), Shanghai and later by timestamp (Shanghai, Cancun, Prague, Osaka,
// BPO1..BPO5, Amsterdam). [Config.Fork] names the latest active fork and
// [Config.Rules] gives the EVM rules of a block, or [ErrForkNotSupported]
// before Shanghai. A rule set is a set of EIPs: [Config.EIPs] returns the
// [EIPSet] active at a time, the union of the active forks' EIPs and
// Config.ExtraEIPs, so a devnet mix ("Osaka plus EIP-7928") needs no fork of
// its own; code that depends on one EIP asks that set.
//
// The blob schedule holds entries for Cancun, Prague and the BPO forks
// only. [Config.BlobConfig] walks down from the latest active fork to the
// latest one with an entry, as go-ethereum does: Osaka uses Prague's,
// Amsterdam the latest BPO's, a BPO fork without an entry the one before.
//
// Configurations come from a go-ethereum genesis "config" object
// ([ParseConfig]), a hive forkenv.json ([ParseForkEnv]; both hive files of a
// chain give equal configurations) or the network names of the ethereum/tests
// and execution-spec-tests fixtures ([ConfigForNetwork]). All are checked by
// [Config.Validate]: forks in go-ethereum's order, each named fork with its
// predecessor, a blob schedule for Cancun, known extra EIPs.
//
// # Genesis
//
// [Genesis] is a go-ethereum genesis file ([ParseGenesis]). [Genesis.Header]
// builds the genesis header exactly as go-ethereum's ToBlock does, so its
// hash is the chain's genesis hash; [Genesis.State] is the allocation in
// memory.
//
// # Validation
//
// [ValidateHeader] applies go-ethereum's post-merge header rules (number and
// parent hash, timestamp, extra data, gas limit bounds, zero difficulty and
// nonce, the empty uncle hash, [CalcBaseFee], blob gas and
// [CalcExcessBlobGas] with the BPO schedules and EIP-7918's reserve price,
// and which optional fields each fork requires). [ValidateBody] checks the
// body against the header (EIP-7934 size cap, no uncles, transactions and
// withdrawals roots, blob count). Each failure is its own sentinel in
// errors.go, wrapped with the values that disagree; the same input always
// gives the same error, the first failing check in the documented order.
//
// # Concurrency
//
// Config, Genesis and the validation functions hold no mutable state: a
// Config or Genesis may be shared read-only between goroutines once built,
// and the validation and calculation functions are safe for concurrent use.
package exec

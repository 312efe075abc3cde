package bench

import "errors"

var (
	// ErrInvalidParams: the parameters of a workload are out of range.
	ErrInvalidParams = errors.New("bench: invalid parameters")
	// ErrUnknownWorkload: no workload has the name asked for.
	ErrUnknownWorkload = errors.New("bench: unknown workload")
	// ErrGenerate: generation failed: a contract does not assemble, a
	// transaction fails or the gas accounting disagrees with execution, or
	// the chain rejects a built block. It is a bug of the generator (or of
	// the executor), never of the parameters.
	ErrGenerate = errors.New("bench: generation failed")
	// ErrModel: timings given to the scaling model do not describe a
	// parallel run of the block.
	ErrModel = errors.New("bench: timings unusable by the model")
	// ErrFixture: a fixture given to the benchmark cannot be used: it does
	// not parse, has no blocks with access lists, or a block fails.
	ErrFixture = errors.New("bench: unusable fixture")
)

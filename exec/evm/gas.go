package evm

// Gas is the gas budget of one frame, in two dimensions: execution gas and a
// state-gas reservoir. It is a value type; a frame owns its Gas and hands a
// part of it to a child frame with Forward, and takes the child's leftover
// back with Absorb.
//
// Before Amsterdam only the execution dimension exists: State, UsedState and
// Spilled stay zero, and every method below reduces to plain arithmetic on
// Exec. From Amsterdam (EIP-8037) state growth is charged in the state
// dimension: from the reservoir first, then spilling into Exec; a refill
// (RefundState) repays the spill before the reservoir; a frame that reverts
// or halts hands back the reservoir it started with, so the state gas of its
// undone changes is refilled.
//
// The invariant every method keeps: State + UsedState == (reservoir at
// frame start) + Spilled, and Spilled != 0 only while State == 0 (outside a
// merge in progress).
//
// That is go-ethereum v1.17.10's model. Under the tests-bal@v5.7.0 revision
// of EIP-8037 a spill is not remembered (Spilled stays zero): state gas
// stays state gas wherever it was paid from, so a refill and a failed
// frame give back all of it to the reservoir, and a halt burns only the
// execution gas left. The invariant is then State + UsedState == (reservoir
// at frame start) + (what spilled). A budget's model is fixed when it is
// made (NewGas gives go-ethereum's; the EVM makes its budgets in the model
// of its rules) and passes to the budgets derived from it.
type Gas struct {
	// Exec is the execution gas left.
	Exec uint64
	// State is the state-gas reservoir left (EIP-8037; zero before
	// Amsterdam).
	State uint64
	// UsedState is the net state gas this frame has charged (signed: inline
	// refunds can take it below zero within a frame).
	UsedState int64
	// Spilled is the execution gas borrowed to pay state gas when the
	// reservoir ran dry; non-zero only while the reservoir is empty.
	Spilled uint64

	// unrecordedSpill selects the tests-bal@v5.7.0 model (see above).
	unrecordedSpill bool
}

// GasCost is the cost of one operation in both dimensions.
type GasCost struct {
	Exec  uint64
	State uint64
}

// NewGas returns a fresh budget of exec execution gas and state reservoir.
func NewGas(exec, state uint64) Gas { return Gas{Exec: exec, State: state} }

// Total returns the gas left in both dimensions.
func (g *Gas) Total() uint64 { return g.Exec + g.State }

// ChargeExec deducts an execution-only cost. It reports false, leaving g
// unchanged, when the cost exceeds the execution gas left.
func (g *Gas) ChargeExec(c uint64) bool {
	if g.Exec < c {
		return false
	}
	g.Exec -= c
	return true
}

// Charge deducts a cost in both dimensions: the execution part from Exec,
// the state part from the reservoir and, when the reservoir is short, the
// rest from Exec (a spill). It reports false, leaving g unchanged, when the
// budget cannot cover the cost.
func (g *Gas) Charge(c GasCost) bool {
	if g.Exec < c.Exec {
		return false
	}
	exec := g.Exec - c.Exec
	state := g.State
	spilled := g.Spilled
	if c.State > state {
		spill := c.State - state
		if spill > exec {
			return false
		}
		exec -= spill
		if !g.unrecordedSpill {
			spilled += spill
		}
		state = 0
	} else {
		state -= c.State
	}
	g.Exec, g.State, g.Spilled = exec, state, spilled
	g.UsedState += int64(c.State)
	return true
}

// RefundState gives back state gas charged earlier in this frame (an inline
// refill): first the execution gas it borrowed, then the reservoir.
func (g *Gas) RefundState(s uint64) {
	repay := min(s, g.Spilled)
	g.Exec += repay
	g.Spilled -= repay
	g.State += s - repay
	g.UsedState -= int64(s)
}

// Forward moves exec execution gas and the whole reservoir from g into a new
// budget for a child frame. REQUIRES: exec <= g.Exec.
func (g *Gas) Forward(exec uint64) Gas {
	g.Exec -= exec
	child := g.child(exec)
	g.State = 0
	return child
}

// child returns a budget of exec execution gas and g's whole reservoir, in
// g's model, for a child frame whose execution gas the caller has already
// charged to g (the call opcodes); Absorb settles the reservoir.
func (g *Gas) child(exec uint64) Gas {
	return Gas{Exec: exec, State: g.State, unrecordedSpill: g.unrecordedSpill}
}

// Absorb takes back a child frame's leftover (in the form returned by one of
// the Exit methods): its execution gas, its reservoir, its net state usage
// and its spill; then it settles as much of the combined spill as the
// reservoir can repay.
func (g *Gas) Absorb(child Gas) {
	g.Exec += child.Exec
	g.State = child.State
	g.UsedState += child.UsedState
	g.Spilled += child.Spilled
	d := min(g.State, g.Spilled)
	g.Exec += d
	g.State -= d
	g.Spilled -= d
}

// drainExec burns the execution gas left, keeping the reservoir (the top
// frame of a transaction that halted).
func (g *Gas) drainExec() { g.Exec = 0 }

// exitSuccess is the leftover of a frame that ended successfully: all of it.
func (g Gas) exitSuccess() Gas { return g }

// reservoirAtEntry is the reservoir a failed frame hands back: everything it
// held at entry, since its state changes are undone.
func (g Gas) reservoirAtEntry() uint64 {
	r := int64(g.State) + g.UsedState - int64(g.Spilled)
	if r < 0 {
		return 0
	}
	return uint64(r)
}

// exitRevert is the leftover of a reverted frame: the execution gas left
// plus what it borrowed for state gas, and the reservoir at entry.
func (g Gas) exitRevert() Gas {
	return Gas{Exec: g.Exec + g.Spilled, State: g.reservoirAtEntry(), unrecordedSpill: g.unrecordedSpill}
}

// exitHalt is the leftover of a frame that halted exceptionally: no
// execution gas, and the reservoir at entry.
func (g Gas) exitHalt() Gas {
	return Gas{State: g.reservoirAtEntry(), unrecordedSpill: g.unrecordedSpill}
}

// exit returns the leftover of a frame that ended with err.
func (g Gas) exit(err error) Gas {
	switch {
	case err == nil:
		return g.exitSuccess()
	case err == ErrExecutionReverted:
		return g.exitRevert()
	default:
		return g.exitHalt()
	}
}

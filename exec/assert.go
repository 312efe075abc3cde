package exec

import (
	"github.com/balexec/balexec/cache"
	"github.com/balexec/balexec/exec/evm"
	"github.com/balexec/balexec/state"
)

// Compile-time checks of interfaces that are satisfied only implicitly.
// Neither exec/evm nor state imports the other, so the checks live here,
// where both are visible. They matter because the EVM type-asserts
// evm.Preparer at run time: a signature that drifted would silently turn
// block access list recording off instead of failing the build.
var (
	_ evm.StateDB  = (*state.StateDB)(nil)
	_ evm.Preparer = (*state.StateDB)(nil)
	_ Warmer       = (*cache.Cache)(nil)
)

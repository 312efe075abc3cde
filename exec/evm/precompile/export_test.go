package precompile

// Internals exposed to the external test package.
var (
	Blake2bF              = blake2bF
	ModexpByzantium       = Contract(cModexpByzantium)
	ModexpBerlin          = Contract(cModexpBerlin)
	ModexpOsaka           = Contract(cModexpOsaka)
	MultComplexityEIP198  = multComplexityEIP198
	MultComplexityEIP2565 = multComplexityEIP2565
	MultComplexityEIP7883 = multComplexityEIP7883
)
